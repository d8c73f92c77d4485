/** The seed's form fields by label, per workflow (idp-workflow-patterns.txt). */
export const SEED_LABELS_BY_PAGE: Record<string, string[][]> = {
  rollback_service: [['Service Identifier', 'Environment Identifier', 'Infradef']],
  scale_service: [
    [
      'Service Identifier',
      'Environment Identifier',
      'Infrastructure Definition',
      'Namespace',
      'Target Replicas',
    ],
  ],
  restart_service: [
    ['Service Identifier', 'Environment Identifier', 'Infrastructure Definition', 'Namespace'],
  ],
  toggle_feature_flag: [['Flag name', 'Target user key', 'action', 'environment']],
  rotate_token: [
    ['Token identifier', 'Org for rotation API', 'Service account identifier', 'API Key identifier'],
    ['Secret identifier', 'Secret scoped org', 'Secret display name'],
  ],
  provision_infrastructure: [
    ['Owner', 'IaCM workspace', 'Jira Project', 'Jira Issue Summary'],
    ['Cloud Provider', 'Instance Type', 'AMI', 'Subnet', 'VPC', 'Instance Count'],
  ],
  onboard_service: [
    [
      'Project Name',
      'Repository type',
      'Repository description',
      'Email for notification',
      'Template url',
      'owner',
      'stack',
    ],
  ],
};

/** The seed's form fields of a workflow, all pages in order. */
export const SEED_FIELDS: Record<string, string[]> = Object.fromEntries(
  Object.entries(SEED_LABELS_BY_PAGE).map(([id, pages]) => [id, pages.flat()]),
);

/** Answers to the scale form, as a person picks them. */
export const SCALE_ANSWERS = {
  service: 'payments_api',
  environment: 'prod',
  infrastructure: 'k8s_prod_eu',
  workload: 'payments/Deployment/payments-api',
  replicas: 3,
};
