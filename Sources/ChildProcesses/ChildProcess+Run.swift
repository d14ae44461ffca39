import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

extension ChildProcess {
    /// What a finished command wrote and how it ended.
    public struct Output: Sendable {
        public var status: ExitStatus
        public var stdout: [UInt8]
        public var stderr: [UInt8]
        /// Whether it was killed for running past its timeout.
        public var timedOut: Bool

        public var exitCode: Int32 { status.code }
        public var stdoutText: String { String(decoding: stdout, as: UTF8.self) }
        public var stderrText: String { String(decoding: stderr, as: UTF8.self) }
    }

    /// Runs `executable` with `arguments` (no shell, so arguments are never re-parsed and secrets
    /// travel in the environment only) and collects its output; kills it (SIGKILL) after `timeout`.
    /// `mergeOutput` puts stderr into `stdout`, interleaved as written; `input` is written to its
    /// stdin (else `/dev/null`).
    public static func run(_ executable: String, _ arguments: [String], environment: [String: String],
                           timeout: Duration, mergeOutput: Bool = false, input: [UInt8]? = nil,
                           workingDirectory: String? = nil) async throws(SpawnError) -> Output {
        let stdin = input == nil ? nil : try makeOutputChannel()
        let out = try makeOutputChannel()
        let err: (read: Int32, write: Int32)
        if mergeOutput {
            err = (-1, out.write)
        } else {
            do {
                err = try makeOutputChannel()
            } catch {
                close(out.read); close(out.write)
                throw error
            }
        }
        let child: ChildProcess
        do {
            child = try spawn([executable] + arguments, environment: environment, stdoutFD: out.write, stderrFD: err.write,
                              stdinFD: stdin?.read, workingDirectory: workingDirectory)
        } catch {
            close(out.read); close(out.write)
            if !mergeOutput { close(err.read); close(err.write) }
            if let stdin { close(stdin.read); close(stdin.write) }
            throw error
        }
        close(out.write)
        if !mergeOutput { close(err.write) }
        if let stdin, let input {
            close(stdin.read)
            writeAll(input, to: stdin.write)
        }
        let timedOut = Mutex(false)
        let watchdog = Task {
            try await Task.sleep(for: timeout)
            // SIGKILL: nothing run this way holds state a clean exit would save. A process that
            // exited meanwhile did not time out.
            if child.signal(SIGKILL) { timedOut.withLock { $0 = true } }
        }
        async let stdout = readToEnd(out.read)
        async let stderr = mergeOutput ? [] : readToEnd(err.read)
        let status = await child.wait()
        let (o, e) = await (stdout, stderr)
        watchdog.cancel()
        return Output(status: status, stdout: o, stderr: e, timedOut: timedOut.withLock { $0 })
    }

    /// Writes `bytes` to `fd` and closes it, on a thread of its own (the write blocks until the
    /// child reads).
    static func writeAll(_ bytes: [UInt8], to fd: Int32) {
        Thread.detachNewThread {
            var offset = 0
            while offset < bytes.count {
                // MSG_NOSIGNAL: a child that exits without reading must not raise SIGPIPE here.
                let n = bytes[offset...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                if n > 0 { offset += n; continue }
                if n < 0 && errno == EINTR { continue }
                break
            }
            close(fd)
        }
    }

    /// Reads a descriptor to its end on a thread of its own (the read blocks), then closes it.
    public static func readToEnd(_ fd: Int32) async -> [UInt8] {
        await withCheckedContinuation { continuation in
            Thread.detachNewThread {
                var data: [UInt8] = []
                var buffer = [UInt8](repeating: 0, count: 65536)
                while true {
                    let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, 65536) }
                    if n > 0 { data += buffer[0 ..< n]; continue }
                    if n < 0 && errno == EINTR { continue }
                    break
                }
                close(fd)
                continuation.resume(returning: data)
            }
        }
    }

    /// The first executable called `name` in `path` (a `PATH` value), or `name` itself when it
    /// contains a slash and is executable.
    public static func which(_ name: String, path: String? = ProcessInfo.processInfo.environment["PATH"]) -> String? {
        if name.contains("/") { return FileManager.default.isExecutableFile(atPath: name) ? name : nil }
        for directory in (path ?? "/usr/local/bin:/usr/bin:/bin").split(separator: ":") {
            let candidate = "\(directory)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }
}
