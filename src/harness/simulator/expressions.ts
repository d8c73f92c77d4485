/**
 * The small part of Harness's expression language the shipped pipelines use:
 * `<+pipeline.variables.x>` and friends in strings, and `when` conditions built from
 * ==, !=, &&, || and ! over them.
 */
export type Resolve = (expr: string) => string | undefined;

const EXPR = /<\+([^<>]+)>/g;

export function substitute(text: string, resolve: Resolve): string {
  return text.replace(EXPR, (m: string, expr: string) => resolve(expr.trim()) ?? m);
}

/** Deeply substitutes in every string of a step spec. */
export function substituteAll(value: unknown, resolve: Resolve): unknown {
  if (typeof value === 'string') return substitute(value, resolve);
  if (Array.isArray(value)) return value.map((v) => substituteAll(v, resolve));
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substituteAll(v, resolve)]));
  }
  return value;
}

type Token = { t: 'str'; v: string } | { t: 'op'; v: string } | { t: 'bool'; v: boolean };

/** Evaluates a condition; throws with a message Harness-like enough when it cannot. */
export function evaluateCondition(condition: string, resolve: Resolve): boolean {
  const tokens: Token[] = [];
  const re =
    /\s*(?:<\+([^<>]+)>|"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)'|(==|!=|&&|\|\||!|\(|\))|(true|false)|(-?\d+(?:\.\d+)?))/y;
  let pos = 0;
  const src = condition.trim();
  while (pos < src.length) {
    re.lastIndex = pos;
    const m = re.exec(src);
    if (m === null) throw new Error(`Invalid condition "${condition}"`);
    if (m[1] !== undefined) {
      const v = resolve(m[1].trim());
      if (v === undefined) throw new Error(`Could not resolve <+${m[1]}> in condition`);
      tokens.push({ t: 'str', v });
    } else if (m[2] !== undefined || m[3] !== undefined) tokens.push({ t: 'str', v: m[2] ?? m[3] ?? '' });
    else if (m[4] !== undefined) tokens.push({ t: 'op', v: m[4] });
    else if (m[5] !== undefined) tokens.push({ t: 'bool', v: m[5] === 'true' });
    else tokens.push({ t: 'str', v: m[6] ?? '' });
    pos = re.lastIndex;
  }
  let i = 0;
  const peekOp = (v: string): boolean => tokens[i]?.t === 'op' && tokens[i]?.v === v;
  const primary = (): string | boolean => {
    const tok = tokens[i++];
    if (tok === undefined) throw new Error(`Invalid condition "${condition}"`);
    if (tok.t === 'op' && tok.v === '!') return !truthy(primary());
    if (tok.t === 'op' && tok.v === '(') {
      const v = or();
      if (!peekOp(')')) throw new Error(`Invalid condition "${condition}": missing )`);
      i++;
      return v;
    }
    if (tok.t === 'op') throw new Error(`Invalid condition "${condition}"`);
    return tok.v;
  };
  const comparison = (): string | boolean => {
    const left = primary();
    if (peekOp('==') || peekOp('!=')) {
      const op = tokens[i++]?.v;
      const right = primary();
      return op === '==' ? String(left) === String(right) : String(left) !== String(right);
    }
    return left;
  };
  const and = (): string | boolean => {
    let v = comparison();
    while (peekOp('&&')) {
      i++;
      const r = comparison();
      v = truthy(v) && truthy(r);
    }
    return v;
  };
  const or = (): string | boolean => {
    let v = and();
    while (peekOp('||')) {
      i++;
      const r = and();
      v = truthy(v) || truthy(r);
    }
    return v;
  };
  const result = or();
  if (i < tokens.length) throw new Error(`Invalid condition "${condition}"`);
  return truthy(result);
}

function truthy(v: string | boolean): boolean {
  return typeof v === 'boolean' ? v : v === 'true';
}
