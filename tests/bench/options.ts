import { parseArgs } from "node:util";

/**
 * The script's `--name value` options, each a number with its default: `numberOptions({ duration: 45 })` is
 * `{ duration: 45 }`, or `{ duration: 60 }` after `-- --duration 60`. An option not named here is an error.
 */
export function numberOptions<Name extends string>(defaults: Record<Name, number>): Record<Name, number> {
  const names = Object.keys(defaults) as Name[];
  const { values } = parseArgs({
    options: Object.fromEntries(names.map((name) => [name, { type: "string", default: String(defaults[name]) }])),
  });
  return Object.fromEntries(names.map((name) => [name, Number(values[name])])) as Record<Name, number>;
}
