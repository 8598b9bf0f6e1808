// Local stand-in for @std/io's writeAll (jsr cannot be reached from the test machines): writes every byte of
// `data`, however many partial writes the writer needs.
export async function writeAll(writer: { write(p: Uint8Array): Promise<number> }, data: Uint8Array): Promise<void> {
	let written = 0;
	while (written < data.length) {
		written += await writer.write(data.subarray(written));
	}
}
