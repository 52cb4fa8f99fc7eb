// Where a command line writes: the process's streams, or strings a test collects. It lives here,
// below the command lines (cli/ and offline/synthCli.ts), so imports run one way: cli/ -> offline/.
export interface Io {
    stdout(text: string): void;
    stderr(text: string): void;
}

export const processIo: Io = { stdout: (t) => process.stdout.write(t), stderr: (t) => process.stderr.write(t) };
