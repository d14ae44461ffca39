import ChildProcesses
import Foundation
@testable import KratixStateStore

/// A tiny HTTPS server (Python standard library) that runs `git http-backend` as a CGI program
/// behind HTTP basic auth, and also fakes GitHub's installation-token endpoint. Python is used
/// because it is already needed for boto3/moto and has CGI plumbing in a few lines; lighttpd would
/// be one more package.
struct GitHTTPServer {
    static let script = #"""
import base64, http.server, json, os, ssl, subprocess, sys, threading, time

root, user, password, portfile, cert, key = sys.argv[1:7]
app_token = os.environ.get("FAKE_APP_TOKEN", "")
app_pubkey = os.environ.get("FAKE_APP_PUBLIC_KEY", "")
app_log = os.environ.get("FAKE_APP_LOG", "")

def basic(u, p):
    return "Basic " + base64.b64encode(f"{u}:{p}".encode()).decode()

class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.0"

    def log_message(self, *args):
        pass

    def body(self):
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            data = b""
            while True:
                size = int(self.rfile.readline().strip().split(b";")[0], 16)
                if size == 0:
                    self.rfile.readline()
                    return data
                data += self.rfile.read(size)
                self.rfile.readline()
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n) if n else b""

    def do_GET(self):
        self.git()

    def do_POST(self):
        if self.path.startswith("/app/installations/"):
            return self.app()
        self.git()

    def app(self):
        from cryptography.hazmat.primitives import hashes, serialization
        from cryptography.hazmat.primitives.asymmetric import padding
        auth = self.headers.get("Authorization", "")
        ok = False
        claims = {}
        if auth.startswith("Bearer ") and app_pubkey:
            jwt = auth[7:]
            head, payload, sig = jwt.split(".")
            pad = lambda s: s + "=" * (-len(s) % 4)
            pub = serialization.load_pem_public_key(open(app_pubkey, "rb").read())
            try:
                pub.verify(base64.urlsafe_b64decode(pad(sig)), f"{head}.{payload}".encode(), padding.PKCS1v15(), hashes.SHA256())
                claims = json.loads(base64.urlsafe_b64decode(pad(payload)))
                ok = claims["exp"] - claims["iat"] <= 660 and claims["iat"] <= time.time()
            except Exception:
                ok = False
        if app_log:
            with open(app_log, "a") as f:
                f.write(json.dumps({"path": self.path, "ok": ok, "claims": claims}) + "\n")
        if not ok:
            self.send_response(401); self.send_header("Content-Length", "0"); self.end_headers(); return
        reply = json.dumps({"token": app_token, "expires_at": "2099-01-01T00:00:00Z"}).encode()
        self.send_response(201)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(reply)))
        self.end_headers()
        self.wfile.write(reply)

    def git(self):
        accepted = {basic(user, password)}
        if app_token:
            accepted.add(basic("x-access-token", app_token))
        if self.headers.get("Authorization", "") not in accepted:
            self.send_response(401)
            self.send_header("WWW-Authenticate", 'Basic realm="git"')
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        path, _, query = self.path.partition("?")
        body = self.body()
        env = dict(os.environ, GIT_PROJECT_ROOT=root, GIT_HTTP_EXPORT_ALL="1", PATH_INFO=path,
                   QUERY_STRING=query, REQUEST_METHOD=self.command, CONTENT_LENGTH=str(len(body)),
                   CONTENT_TYPE=self.headers.get("Content-Type", ""), REMOTE_USER=user, REMOTE_ADDR="127.0.0.1",
                   GIT_CONFIG_NOSYSTEM="1", GIT_CONFIG_GLOBAL="/dev/null")
        if self.headers.get("Content-Encoding"):
            env["HTTP_CONTENT_ENCODING"] = self.headers["Content-Encoding"]
        if self.headers.get("Git-Protocol"):
            env["HTTP_GIT_PROTOCOL"] = self.headers["Git-Protocol"]
        out = subprocess.run(["git", "http-backend"], input=body, env=env, capture_output=True).stdout
        sep = out.find(b"\r\n\r\n")
        head, payload = (out[:sep], out[sep + 4:]) if sep >= 0 else out.split(b"\n\n", 1)
        status, headers = 200, []
        for line in head.decode().splitlines():
            name, _, value = line.partition(":")
            if name.lower() == "status":
                status = int(value.strip().split()[0])
            elif name:
                headers.append((name, value.strip()))
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(cert, key)
server.socket = ctx.wrap_socket(server.socket, server_side=True)
with open(portfile + ".tmp", "w") as f:
    f.write(str(server.server_address[1]))
os.rename(portfile + ".tmp", portfile)
server.serve_forever()
"""#

    let process: ServerProcess
    let port: Int
    let root: String

    /// Serves every bare repository under `root` at `https://127.0.0.1:<port>/<name>`.
    init(root: String, tmp: TempDir, user: String, password: String, env: [String: String] = [:]) async throws {
        self.root = root
        try tmp.write("server.py", GitHTTPServer.script)
        if !FileManager.default.fileExists(atPath: tmp.sub("tls.key")) {
            try await sh("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=127.0.0.1", "-days", "1",
                               "-keyout", tmp.sub("tls.key"), "-out", tmp.sub("tls.crt")])
        }
        let portFile = tmp.sub("port-\(UUID().uuidString.prefix(6))")
        process = try ServerProcess(ChildProcess.which("python3") ?? "/usr/bin/python3",
                                    [tmp.sub("server.py"), root, user, password, portFile, tmp.sub("tls.crt"), tmp.sub("tls.key")],
                                    env: env, log: tmp.sub("server.log"))
        let deadline = Date().addingTimeInterval(20)
        var found: Int?
        while Date() < deadline, found == nil {
            if let text = try? String(contentsOfFile: portFile, encoding: .utf8) { found = Int(text) }
            else { try await Task.sleep(for: .milliseconds(50)) }
        }
        guard let found else {
            process.stop()
            throw ShellError(description: "git HTTP server did not start: \((try? String(contentsOfFile: tmp.sub("server.log"), encoding: .utf8)) ?? "")")
        }
        port = found
    }

    func url(_ repo: String) -> String { "https://127.0.0.1:\(port)/\(repo)" }

    func stop() { process.stop() }
}
