/** Receives output in pieces; the caller decides where they go (stdout, a temp file, a test). */
export type Write = (chunk: string) => void;
