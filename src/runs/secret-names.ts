/**
 * Which names and values are secrets. The rule a person would apply reading a form: a field
 * is a secret when its name speaks of one ("Password for the org admin", `github_token`,
 * "TLS private key (PEM)"), unless what the name is about, its head noun, is a reference to a
 * secret ("Secret identifier", "API key identifier", "Secret display name"). Words elsewhere
 * in the name ("org", "scope", "name" inside a phrase) never make a secret visible.
 */

const SECRET_WORDS = new Set([
  'password',
  'passwd',
  'pwd',
  'passphrase',
  'passcode',
  'secret',
  'token',
  'pin',
  'otp',
  'totp',
  'mfa',
  'credential',
  'credentials',
  'pem',
  'apikey',
  'privatekey',
  'sshkey',
  'cookie',
]);
const SECRET_PAIRS = new Set([
  'api key',
  'private key',
  'ssh key',
  'access key',
  'secret key',
  'signing key',
  'deploy key',
  'encryption key',
  'master key',
  'session key',
  'client secret',
  'auth code',
]);
/** Head nouns of names that point at a secret rather than hold one. */
const REFERENCE_HEADS = new Set([
  'id',
  'ids',
  'identifier',
  'identifiers',
  'name',
  'names',
  'ref',
  'reference',
  'path',
  'org',
  'scope',
  'project',
  'type',
  'kind',
  'ttl',
  'expiry',
  'expiration',
  'lifetime',
  'length',
  'version',
  'owner',
  'rotation',
  'policy',
  'url',
]);
/** Words after which a name only adds detail ("Password for the org admin"). */
const QUALIFIERS = new Set([
  'for',
  'of',
  'to',
  'in',
  'on',
  'with',
  'from',
  'by',
  'at',
  'as',
  'used',
  'that',
  'which',
  'when',
  'where',
]);

export type NameKind = 'secret' | 'names-a-secret' | 'plain';

function words(text: string): string[] {
  return text
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((w) => w !== '');
}

function speaksOfSecret(ws: string[]): boolean {
  return ws.some((w, i) => SECRET_WORDS.has(w) || SECRET_PAIRS.has(`${w} ${ws[i + 1] ?? ''}`));
}

/** What a field key or label says: a secret, a reference to one, or neither. */
export function classifyName(text: string): NameKind {
  if (!speaksOfSecret(words(text))) return 'plain';
  const main = words(text.split('(')[0] ?? '');
  const cut = main.findIndex((w) => QUALIFIERS.has(w));
  const head = (cut === -1 ? main : main.slice(0, cut)).at(-1);
  return head !== undefined && REFERENCE_HEADS.has(head) ? 'names-a-secret' : 'secret';
}

/**
 * Secret wins: the label (what people read) being a secret, or the key being one without a
 * label that says it is only a reference ("API Key identifier" over `api_key`).
 */
export function isSecretField(key: string, label: string | undefined): boolean {
  const byLabel = label === undefined ? 'plain' : classifyName(label);
  if (byLabel === 'secret') return true;
  return classifyName(key) === 'secret' && byLabel !== 'names-a-secret';
}

/** Credentials recognisable by their shape, whatever field they were typed into. */
const CREDENTIAL_SHAPES: readonly RegExp[] = [
  /-----BEGIN [A-Z ]*PRIVATE KEY-----/,
  /\bgh[pousr]_[A-Za-z0-9]{20,}/, // GitHub tokens
  /\bgithub_pat_[A-Za-z0-9_]{20,}/,
  /\bglpat-[A-Za-z0-9_-]{20,}/, // GitLab
  /\bxox[abposre]-[A-Za-z0-9-]{10,}/, // Slack
  /\bxapp-\d-[A-Za-z0-9-]{10,}/,
  /\bAKIA[0-9A-Z]{16}\b/, // AWS access key id
  /\b(?:pat|sat)\.[A-Za-z0-9_-]{10,}\.[A-Za-z0-9]{10,}\.[A-Za-z0-9]{10,}/, // Harness PAT / SAT
];

export function looksLikeCredential(text: string): boolean {
  return CREDENTIAL_SHAPES.some((re) => re.test(text));
}
