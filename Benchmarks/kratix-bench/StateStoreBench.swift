import ChildProcesses
import Foundation
import KratixStateStore

/// Placements written per second to a local bare Git repository, with batching on and off, and
/// objects per second to an S3 API (moto).
func stateStoreBench() async throws {
    // KRATIX_BENCH_GIT=on (or off) measures only that mode.
    let only = ProcessInfo.processInfo.environment["KRATIX_BENCH_GIT"]
    for count in [200, 2_000] where ProcessInfo.processInfo.environment["BENCH_SMALL"] == nil || count == 200 {
        for batching in [false, true] where only == nil || only == (batching ? "on" : "off") {
            let root = NSTemporaryDirectory() + "kratix-bench-git-\(UUID().uuidString)"
            try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(atPath: root) }
            try await shell("git", ["init", "-q", "--bare", "-b", "main", root + "/store.git"])
            let writer = try await GitWriter(GitWriterConfiguration(
                url: "file://\(root)/store.git", minimumFetchInterval: .seconds(60), cacheDirectory: root + "/cache",
                groupCommit: batching, batchWindow: batching ? .milliseconds(20) : .zero))
            let start = ContinuousClock.now
            try await withThrowingTaskGroup(of: Void.self) { group in
                for i in 0..<count {
                    group.addTask {
                        _ = try await writer.update(StateStoreUpdate(
                            name: "wp-\(i)", directory: "worker-1/resources/default/promise/request-\(i)", replaceDirectory: true,
                            files: [StateStoreFile(path: "configmap.yaml", text: "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-\(i)\n")]))
                    }
                }
                try await group.waitForAll()
            }
            let seconds = (ContinuousClock.now - start).seconds
            let commits = try await shell("git", ["--git-dir", root + "/store.git", "rev-list", "--count", "main"]).trimmingCharacters(in: .whitespacesAndNewlines)
            emit(label("git: \(count) placements, batching \(batching ? "on " : "off")") + String(format: " %8.1f placements/s  (%@ commits, %.1f s)", Double(count) / seconds, commits, seconds))
        }
    }

    // S3: one update of 500 objects to moto.
    let port = try freePort()
    guard let motoServer = ChildProcess.which("moto_server") else { throw BenchError("moto_server is not on PATH (make deps)") }
    let devNull = open("/dev/null", O_WRONLY | O_CLOEXEC)
    let moto = try ChildProcess.spawn([motoServer, "-H", "127.0.0.1", "-p", String(port)], environment: ProcessInfo.processInfo.environment,
                                      stdoutFD: devNull, stderrFD: devNull)
    close(devNull)
    // Reaps moto once it is killed below.
    _ = Task { _ = await moto.wait() }
    defer { moto.signal(SIGKILL) }
    try await Task.sleep(for: .seconds(2))
    try await shell("python3", ["-c", "import boto3; boto3.client('s3', endpoint_url='http://127.0.0.1:\(port)', region_name='us-east-1', aws_access_key_id='a', aws_secret_access_key='b').create_bucket(Bucket='kratix')"])
    let s3 = S3Writer(S3WriterConfiguration(
        endpoint: "127.0.0.1:\(port)", bucket: "kratix", credentials: AWSCredentials(accessKeyID: "a", secretAccessKey: "b"), useTLS: false, addressing: .path))
    let files = (0..<500).map { StateStoreFile(path: "cm-\($0).yaml", text: "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-\($0)\n") }
    let start = ContinuousClock.now
    _ = try await s3.update(StateStoreUpdate(name: "bench", directory: "worker-1/resources", replaceDirectory: true, files: files))
    let seconds = (ContinuousClock.now - start).seconds
    emit(label("s3 (moto): 500 objects in one write") + String(format: " %8.1f objects/s  (%.2f s)", 500 / seconds, seconds))
}

/// Runs `program` (found on PATH) and returns its stdout; throws when it fails.
@discardableResult
func shell(_ program: String, _ arguments: [String]) async throws -> String {
    guard let executable = ChildProcess.which(program) else { throw BenchError("\(program) is not on PATH") }
    let output = try await ChildProcess.run(executable, arguments, environment: ProcessInfo.processInfo.environment, timeout: .seconds(300))
    guard output.exitCode == 0 else { throw BenchError("\(program) \(arguments.joined(separator: " ")) failed: \(output.stderrText)") }
    return output.stdoutText
}

/// A free TCP port on 127.0.0.1 (bound, read, released).
func freePort() throws -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = 0
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) } }
    guard bound == 0 else { throw BenchError("bind failed") }
    _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
    return Int(UInt16(bigEndian: address.sin_port))
}
