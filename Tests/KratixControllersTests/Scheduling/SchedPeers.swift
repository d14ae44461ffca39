import Foundation
import KratixTestSupport
#if canImport(Glibc)
import Glibc
#endif

/// A bare Git repository with one commit on `main`, read back with plain `git`.
struct SchedBareRepo: Sendable {
    let path: String
    var url: String { "file://\(path)" }

    static func make(in directory: String, name: String = "state.git") async throws -> SchedBareRepo {
        let path = "\(directory)/\(name)"
        try await TestShell.check("git", ["init", "--quiet", "--bare", "--initial-branch=main", path])
        let seed = "\(directory)/seed-\(UUID().uuidString.prefix(6))"
        try await TestShell.check("git", ["init", "--quiet", "--initial-branch=main", seed])
        try Data("hello\n".utf8).write(to: URL(fileURLWithPath: "\(seed)/README.md"))
        try await TestShell.check("git", ["add", "-A"], cwd: seed)
        try await TestShell.check("git", ["-c", "user.name=seed", "-c", "user.email=seed@example.com", "commit", "--quiet", "-m", "seed"], cwd: seed)
        try await TestShell.check("git", ["push", "--quiet", path, "main"], cwd: seed)
        return SchedBareRepo(path: path)
    }

    /// Every file on `main`.
    func files() async throws -> [String] {
        try await TestShell.check("git", ["--git-dir", path, "ls-tree", "-r", "--name-only", "main"])
            .split(separator: "\n").map(String.init)
    }

    func show(_ file: String) async throws -> String? {
        let output = try await TestShell.run("git", ["--git-dir", path, "show", "main:\(file)"])
        return output.status == 0 ? output.stdout : nil
    }

    /// Commit subjects, newest first.
    func log() async throws -> [String] {
        try await TestShell.check("git", ["--git-dir", path, "log", "--format=%s", "main"]).split(separator: "\n").map(String.init)
    }

    func head() async throws -> String {
        try await TestShell.check("git", ["--git-dir", path, "rev-parse", "main"]).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    func author() async throws -> String {
        try await TestShell.check("git", ["--git-dir", path, "log", "-1", "--format=%an <%ae>", "main"]).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

/// A tiny HTTP server (Python standard library) serving files from a directory, requiring an
/// `Authorization` header for paths under `/private/`.
struct SchedHTTPFileServer: Sendable {
    let server: TestServerProcess
    let port: Int

    static let script = #"""
import http.server, os, sys
root, token, portfile = sys.argv[1:4]
class Handler(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args): pass
    def do_GET(self):
        if self.path.startswith("/private/") and self.headers.get("Authorization", "") != token:
            self.send_response(401); self.send_header("Content-Length", "0"); self.end_headers(); return
        path = os.path.join(root, self.path.lstrip("/"))
        if not os.path.isfile(path):
            self.send_response(404); self.send_header("Content-Length", "0"); self.end_headers(); return
        body = open(path, "rb").read()
        self.send_response(200); self.send_header("Content-Type", "application/yaml")
        self.send_header("Content-Length", str(len(body))); self.end_headers(); self.wfile.write(body)
server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
open(portfile + ".tmp", "w").write(str(server.server_address[1])); os.rename(portfile + ".tmp", portfile)
server.serve_forever()
"""#

    static func start(root: String, token: String, in directory: String) async throws -> SchedHTTPFileServer {
        let scriptPath = "\(directory)/files-server.py"
        try Data(script.utf8).write(to: URL(fileURLWithPath: scriptPath))
        let portFile = "\(directory)/files-port-\(UUID().uuidString.prefix(6))"
        let server = try TestServerProcess("python3", [scriptPath, root, token, portFile], log: "\(directory)/files-server.log")
        do {
            try await server.waitUntil { FileManager.default.fileExists(atPath: portFile) }
            let port = Int((try String(contentsOfFile: portFile, encoding: .utf8)).trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
            return SchedHTTPFileServer(server: server, port: port)
        } catch {
            await server.stop()
            throw error
        }
    }

    func url(_ path: String) -> String { "http://127.0.0.1:\(port)/\(path)" }

    func stop() async { await server.stop() }
}

/// `git http-backend` behind HTTPS with basic auth (Python standard library and a self-signed
/// certificate), the shape of a Gitea or GitHub remote. A trimmed copy of the state-store tests'
/// server; both should move to KratixTestSupport.
struct SchedGitHTTPServer: Sendable {
    let server: TestServerProcess
    let port: Int

    static let script = #"""
import base64, http.server, os, ssl, subprocess, sys
root, user, password, portfile, cert, key = sys.argv[1:7]
expected = "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()
class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.0"
    def log_message(self, *args): pass
    def body(self):
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            data = b""
            while True:
                size = int(self.rfile.readline().strip().split(b";")[0], 16)
                if size == 0:
                    self.rfile.readline(); return data
                data += self.rfile.read(size); self.rfile.readline()
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n) if n else b""
    def do_GET(self): self.git()
    def do_POST(self): self.git()
    def git(self):
        if self.headers.get("Authorization", "") != expected:
            self.send_response(401); self.send_header("WWW-Authenticate", 'Basic realm="git"')
            self.send_header("Content-Length", "0"); self.end_headers(); return
        path, _, query = self.path.partition("?")
        body = self.body()
        env = dict(os.environ, GIT_PROJECT_ROOT=root, GIT_HTTP_EXPORT_ALL="1", PATH_INFO=path, QUERY_STRING=query,
                   REQUEST_METHOD=self.command, CONTENT_LENGTH=str(len(body)), CONTENT_TYPE=self.headers.get("Content-Type", ""),
                   REMOTE_USER=user, REMOTE_ADDR="127.0.0.1", GIT_CONFIG_NOSYSTEM="1", GIT_CONFIG_GLOBAL="/dev/null")
        if self.headers.get("Content-Encoding"): env["HTTP_CONTENT_ENCODING"] = self.headers["Content-Encoding"]
        if self.headers.get("Git-Protocol"): env["HTTP_GIT_PROTOCOL"] = self.headers["Git-Protocol"]
        out = subprocess.run(["git", "http-backend"], input=body, env=env, capture_output=True).stdout
        sep = out.find(b"\r\n\r\n")
        head, payload = (out[:sep], out[sep + 4:]) if sep >= 0 else out.split(b"\n\n", 1)
        status, headers = 200, []
        for line in head.decode().splitlines():
            name, _, value = line.partition(":")
            if name.lower() == "status": status = int(value.strip().split()[0])
            elif name: headers.append((name, value.strip()))
        self.send_response(status)
        for name, value in headers: self.send_header(name, value)
        self.send_header("Content-Length", str(len(payload))); self.end_headers(); self.wfile.write(payload)
server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER); ctx.load_cert_chain(cert, key)
server.socket = ctx.wrap_socket(server.socket, server_side=True)
open(portfile + ".tmp", "w").write(str(server.server_address[1])); os.rename(portfile + ".tmp", portfile)
server.serve_forever()
"""#

    /// Serves every bare repository under `root` at `https://127.0.0.1:<port>/<name>`.
    static func start(root: String, user: String, password: String, in directory: String) async throws -> SchedGitHTTPServer {
        let scriptPath = "\(directory)/git-server.py"
        try Data(script.utf8).write(to: URL(fileURLWithPath: scriptPath))
        try await TestShell.check("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=127.0.0.1", "-days", "1",
                                               "-keyout", "\(directory)/tls.key", "-out", "\(directory)/tls.crt"])
        let portFile = "\(directory)/git-port-\(UUID().uuidString.prefix(6))"
        let server = try TestServerProcess("python3", [scriptPath, root, user, password, portFile, "\(directory)/tls.crt", "\(directory)/tls.key"],
                                            log: "\(directory)/git-server.log")
        do {
            try await server.waitUntil { FileManager.default.fileExists(atPath: portFile) }
            let port = Int((try String(contentsOfFile: portFile, encoding: .utf8)).trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
            return SchedGitHTTPServer(server: server, port: port)
        } catch {
            await server.stop()
            throw error
        }
    }

    func url(_ repo: String) -> String { "https://127.0.0.1:\(port)/\(repo)" }

    func stop() async { await server.stop() }
}
