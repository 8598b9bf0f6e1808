// Local stand-in for @std/cli's parseArgs, for the only arguments the engine passes its sandbox:
// `--name value` pairs (numbers as numbers, as the original does) and bare `--flag`s.
export function parseArgs(args: string[]): Record<string, unknown> {
	const parsed: Record<string, unknown> = { _: [] as string[] };
	for (let i = 0; i < args.length; i++) {
		const arg = args[i];
		if (!arg.startsWith('--')) {
			(parsed._ as string[]).push(arg);
			continue;
		}
		const name = arg.slice(2);
		const next = args[i + 1];
		if (next === undefined || next.startsWith('--')) {
			parsed[name] = true;
			continue;
		}
		parsed[name] = next !== '' && !Number.isNaN(Number(next)) ? Number(next) : next;
		i++;
	}
	return parsed;
}
