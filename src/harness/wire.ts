import { z } from 'zod';

/**
 * Harness's JSON, parsed at the boundary. Loose on purpose: real responses are newer than any
 * spec, and statuses and step types the bot has not seen must not crash it.
 */
const str = z.string().nullish();
const num = z.number().nullish();

export const envelope = <T extends z.ZodType>(data: T) =>
  z.looseObject({ status: str, data, correlationId: str, metaData: z.unknown().optional() });

export const harnessError = z.looseObject({
  status: str,
  code: str,
  message: str,
  correlationId: str,
  responseMessages: z.array(z.looseObject({ message: str, code: str })).nullish(),
});

export const planExecutionResponse = envelope(
  z.looseObject({ planExecution: z.looseObject({ uuid: z.string(), status: str, startTs: num }) }),
);

const failureInfo = z.looseObject({ message: str }).nullish();

export const layoutNode = z.looseObject({
  nodeType: str,
  nodeGroup: str,
  nodeIdentifier: str,
  name: str,
  nodeUuid: str,
  nodeExecutionId: str,
  status: str,
  startTs: num,
  endTs: num,
  failureInfo,
  failureInfoDTO: failureInfo,
  edgeLayoutList: z
    .looseObject({
      currentNodeChildren: z.array(z.string()).nullish(),
      nextIds: z.array(z.string()).nullish(),
    })
    .nullish(),
});

export const executionNode = z.looseObject({
  uuid: str,
  identifier: str,
  name: str,
  baseFqn: str,
  stepType: str,
  status: str,
  startTs: num,
  endTs: num,
  failureInfo,
  outcomes: z.record(z.string(), z.unknown()).nullish(),
  stepDetails: z.record(z.string(), z.unknown()).nullish(),
  executableResponses: z.array(z.unknown()).nullish(),
});

export const executionDetail = envelope(
  z.looseObject({
    pipelineExecutionSummary: z.looseObject({
      planExecutionId: z.string(),
      pipelineIdentifier: str,
      name: str,
      runSequence: num,
      status: str,
      startTs: num,
      endTs: num,
      startingNodeId: str,
      layoutNodeMap: z.record(z.string(), layoutNode).nullish(),
      failureInfo,
      modules: z.array(z.string()).nullish(),
      storeType: str,
      gitDetails: z.looseObject({ repoName: str, repoIdentifier: str, branch: str }).nullish(),
    }),
    executionGraph: z
      .looseObject({ rootNodeId: str, nodeMap: z.record(z.string(), executionNode).nullish() })
      .nullish(),
  }),
);

const embeddedUser = z.looseObject({ uuid: str, name: str, email: str }).nullish();

export const approvalInstance = z.looseObject({
  id: z.string(),
  type: z.string(),
  status: z.string(),
  deadline: num,
  errorMessage: str,
  details: z
    .looseObject({
      // JiraApprovalInstanceDetailsDTO / ServiceNowApprovalInstanceDetailsDTO: the ticket waited on.
      issue: z.looseObject({ key: str, url: str }).nullish(),
      ticket: z.looseObject({ number: str, url: str }).nullish(),
      approvalMessage: str,
      approvers: z
        .looseObject({
          userGroups: z.array(z.string()).nullish(),
          minimumCount: num,
          disallowPipelineExecutor: z.boolean().nullish(),
        })
        .nullish(),
      approverInputs: z.array(z.looseObject({ name: z.string(), defaultValue: str })).nullish(),
      approvalActivities: z
        .array(
          z.looseObject({
            user: embeddedUser,
            action: z.string(),
            comments: str,
            approvedAt: num,
            approverInputs: z.array(z.looseObject({ name: z.string(), value: str })).nullish(),
          }),
        )
        .nullish(),
    })
    .nullish(),
});

export const approvalResponse = envelope(approvalInstance);
export const approvalList = z.array(z.looseObject({ id: z.string(), type: str, status: str, deadline: num }));

export const interruptResponse = envelope(z.looseObject({ id: str, planExecutionId: str, type: str }));

const page = <T extends z.ZodType>(item: T) =>
  envelope(z.looseObject({ content: z.array(item).nullish(), totalItems: num, pageIndex: num }));

const named = z.looseObject({ identifier: z.string(), name: str });
export const servicesPage = page(z.looseObject({ service: named }));
export const environmentsPage = page(z.looseObject({ environment: named.extend({ type: str }) }));
export const infrastructuresPage = page(
  z.looseObject({ infrastructure: named.extend({ environmentRef: str }) }),
);
export const userGroupsPage = page(named.extend({ users: z.array(z.string()).nullish() }));
export const organizationsPage = page(z.looseObject({ organization: named }));
export const projectsPage = page(z.looseObject({ project: named.extend({ orgIdentifier: str }) }));
export const usersPage = page(
  z.looseObject({ user: z.looseObject({ uuid: z.string(), name: str, email: str }) }),
);
export const booleanResponse = envelope(z.boolean());
export const currentUser = envelope(z.looseObject({ uuid: z.string(), name: str, email: str }));

/** IDP catalog entities (`GET /v1/entities`, v1: unwrapped, snake_case), as Harness's own IDP UI reads them (not in the API reference). */
export const catalogEntities = z.array(
  z.looseObject({ kind: z.string(), identifier: z.string(), name: str, scope: str, entity_ref: str }),
);

/** `POST /ng/api/user-groups/{id}/users`: UserMetadataDTO items. */
export const groupMembersPage = envelope(
  z.looseObject({
    content: z.array(z.looseObject({ uuid: z.string(), name: str, email: str })).nullish(),
    totalItems: num,
  }),
);

/**
 * `POST /pipeline/api/pipelines/execution/summary`: `ResponseDTO<Page<PipelineExecutionSummaryDTO>>`, a
 * Spring `Page` (`content`, `totalElements`, `number`, `size`), as pipeline-service's
 * ExecutionDetailsResource.getListOfExecutions returns it.
 */
export const executionSummaryPage = envelope(
  z.looseObject({
    content: z
      .array(
        z.looseObject({
          planExecutionId: z.string(),
          pipelineIdentifier: str,
          status: str,
          startTs: num,
          notesExistForPlanExecutionId: z.boolean().nullish(),
        }),
      )
      .nullish(),
    totalElements: num,
  }),
);

/** `GET /pipeline/api/pipelines/execution/{id}/notes`: `ResponseDTO<PipelineExecutionNotesDTO>`. */
export const executionNotes = envelope(z.looseObject({ notes: str }).nullish());

/** `GET /pipeline/api/approvals/{id}/harness/authorization`: whether the key's principal may act. */
export const approvalAuthorization = envelope(z.looseObject({ authorized: z.boolean(), reason: str }));
