import Foundation
import KratixTestSupport
import Testing

/// Issue 20 item 4: the `telemetry` section of the kratix config exports, to a local OTLP receiver,
/// one trace spanning a request's reconcile, its pipeline pod's work-writer and its placement write,
/// and upstream's two WorkPlacement counters, over OTLP/HTTP and over gRPC (upstream's default).
/// `kratix dev` runs as a process of its own: the tracer is process-wide.
@Suite(.serialized) struct TelemetryTests {
    /// Records every span and counter point it receives as a JSON line.
    static let receiver = #"""
import sys, json, threading, gzip
from concurrent import futures
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
import grpc
from opentelemetry.proto.collector.trace.v1 import trace_service_pb2, trace_service_pb2_grpc
from opentelemetry.proto.collector.metrics.v1 import metrics_service_pb2, metrics_service_pb2_grpc
out_path, portfile = sys.argv[1:3]
lock = threading.Lock()
def emit(records):
    with lock, open(out_path, "a") as f:
        for r in records: f.write(json.dumps(r) + "\n")
def attrs(kvs):
    d = {}
    for kv in kvs:
        which = kv.value.WhichOneof("value")
        d[kv.key] = getattr(kv.value, which) if which else None
    return d
def spans(req):
    out = []
    for rs in req.resource_spans:
        service = attrs(rs.resource.attributes).get("service.name")
        for ss in rs.scope_spans:
            for s in ss.spans:
                out.append({"kind": "span", "service": service, "name": s.name, "traceId": s.trace_id.hex(),
                            "spanId": s.span_id.hex(), "parentSpanId": s.parent_span_id.hex(), "attributes": attrs(s.attributes)})
    return out
def metrics(req):
    out = []
    for rm in req.resource_metrics:
        for sm in rm.scope_metrics:
            for m in sm.metrics:
                which = m.WhichOneof("data")
                points = getattr(m, which).data_points if which in ("sum", "gauge") else []
                for p in points:
                    value = p.as_int if p.HasField("as_int") else p.as_double
                    out.append({"kind": "metric", "name": m.name, "attributes": attrs(p.attributes), "value": value})
    return out
class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args): pass
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        if self.headers.get("Content-Encoding") == "gzip": body = gzip.decompress(body)
        if self.path == "/v1/traces":
            req = trace_service_pb2.ExportTraceServiceRequest(); req.ParseFromString(body); emit(spans(req))
            answer = trace_service_pb2.ExportTraceServiceResponse()
        elif self.path == "/v1/metrics":
            req = metrics_service_pb2.ExportMetricsServiceRequest(); req.ParseFromString(body); emit(metrics(req))
            answer = metrics_service_pb2.ExportMetricsServiceResponse()
        else:
            self.send_response(404); self.end_headers(); return
        data = answer.SerializeToString()
        self.send_response(200)
        self.send_header("Content-Type", "application/x-protobuf")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)
class Traces(trace_service_pb2_grpc.TraceServiceServicer):
    def Export(self, request, context):
        emit(spans(request)); return trace_service_pb2.ExportTraceServiceResponse()
class Metrics(metrics_service_pb2_grpc.MetricsServiceServicer):
    def Export(self, request, context):
        emit(metrics(request)); return metrics_service_pb2.ExportMetricsServiceResponse()
server = grpc.server(futures.ThreadPoolExecutor(max_workers=4))
trace_service_pb2_grpc.add_TraceServiceServicer_to_server(Traces(), server)
metrics_service_pb2_grpc.add_MetricsServiceServicer_to_server(Metrics(), server)
grpc_port = server.add_insecure_port("127.0.0.1:0")
server.start()
http = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
with open(portfile + ".tmp", "w") as f: f.write("%d %d" % (http.server_address[1], grpc_port))
import os; os.rename(portfile + ".tmp", portfile)
http.serve_forever()
"""#

    /// A Promise whose resource workflow writes one ConfigMap.
    static let promise = """
        apiVersion: platform.kratix.io/v1alpha1
        kind: Promise
        metadata: {name: traced}
        spec:
          destinationSelectors: [{matchLabels: {environment: dev}}]
          api:
            apiVersion: apiextensions.k8s.io/v1
            kind: CustomResourceDefinition
            metadata: {name: traceds.test.kratix.io}
            spec:
              group: test.kratix.io
              names: {kind: Traced, plural: traceds, singular: traced}
              scope: Namespaced
              versions:
                - name: v1alpha1
                  served: true
                  storage: true
                  schema:
                    openAPIV3Schema:
                      type: object
                      properties:
                        spec: {type: object, x-kubernetes-preserve-unknown-fields: true}
          workflows:
            resource:
              configure:
                - apiVersion: platform.kratix.io/v1alpha1
                  kind: Pipeline
                  metadata: {name: write}
                  spec:
                    containers:
                      - name: write
                        image: busybox
                        command: [/bin/sh, -c, "printf 'apiVersion: v1\\nkind: ConfigMap\\nmetadata: {name: traced}\\n' > /kratix/output/traced.yaml"]
        """

    struct Record: Decodable {
        var kind: String
        var name: String
        var service: String?
        var traceId: String?
        var spanId: String?
        var parentSpanId: String?
        var attributes: [String: String?]?
    }

    static func records(_ path: String) -> [Record] {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return [] }
        return text.split(separator: "\n").compactMap { line in
            // Counter values are numbers: decode the fields compared here and skip the rest.
            try? JSONDecoder().decode(Record.self, from: Data(line.utf8))
        }
    }

    @Test(arguments: ["http/protobuf", "grpc"])
    func aRequestIsOneTraceAndPlacementsAreCounted(_ otlpProtocol: String) async throws {
        guard let kubectl = TestEnvironment.kubectl else { throw TestAPIServer.KubectlMissing() }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("kratix-otel-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let script = "\(directory)/receiver.py", output = "\(directory)/received.jsonl", ports = "\(directory)/ports"
        try Self.receiver.write(toFile: script, atomically: true, encoding: .utf8)
        let python = try #require(TestEnvironment.which("python3"))
        let receiver = try TestServerProcess(python, [script, output, ports], log: "\(directory)/receiver.log")
        do {
            try await receiver.waitUntil(timeout: .seconds(60)) { FileManager.default.fileExists(atPath: ports) }
            let bound = try String(contentsOfFile: ports, encoding: .utf8).split(separator: " ").compactMap { Int($0) }
            let port = otlpProtocol == "grpc" ? bound[1] : bound[0]
            try """
                telemetry:
                  endpoint: 127.0.0.1:\(port)
                  protocol: \(otlpProtocol)
                  insecure: true
                  headers: {x-tenant: s3cr3t-tenant-value}
                """.write(toFile: "\(directory)/config.yaml", atomically: true, encoding: .utf8)

            let data = "\(directory)/dev"
            let dev = try TestServerProcess(Support.kratixBinary.path, ["dev", "--data-dir", data, "--config", "\(directory)/config.yaml"],
                                            environment: ["OTEL_METRIC_EXPORT_INTERVAL": "1000", "OTEL_BSP_SCHEDULE_DELAY": "200"],
                                            log: "\(directory)/dev.log")
            do {
                try await dev.waitUntil(timeout: .seconds(120)) { dev.log.contains("export KUBECONFIG=") }
                let kubeconfig = "\(data)/kubeconfig"
                func kubectlRun(_ arguments: [String], stdin: String? = nil) async throws -> TestShell.Output {
                    try await TestShell.run(kubectl, ["--kubeconfig", kubeconfig] + arguments, stdin: stdin)
                }
                #expect(dev.log.contains("OpenTelemetry tracing enabled"), "\(dev.log.suffix(2000))")
                #expect(!dev.log.contains("s3cr3t-tenant-value"), "header values are never logged")

                let applied = try await kubectlRun(["apply", "-f", "-"], stdin: Self.promise)
                #expect(applied.status == 0, "\(applied.stderr)")
                let available = await Polling.until(.seconds(90)) {
                    try await kubectlRun(["get", "promise", "traced", "-o", "jsonpath={.status.conditions[?(@.type==\"Available\")].status}"]).stdout == "True"
                }
                #expect(available)
                let request = try await kubectlRun(["apply", "-f", "-"], stdin: "apiVersion: test.kratix.io/v1alpha1\nkind: Traced\nmetadata: {name: one, namespace: default}\nspec: {}\n")
                #expect(request.status == 0, "\(request.stderr)")
                let pushed = await Polling.until(.seconds(120)) {
                    let files = try await TestShell.run("git", ["--git-dir", "\(data)/state-store.git", "ls-tree", "-r", "--name-only", "main"]).stdout
                    return files.contains("traced.yaml")
                }
                #expect(pushed, "\(dev.log.suffix(3000))")

                // The request carries its trace, and its Job the same.
                let traceParent = try await kubectlRun(["get", "traced", "one", "-n", "default", "-o", "jsonpath={.metadata.annotations.kratix\\.io/trace-parent}"]).stdout
                let traceID = traceParent.split(separator: "-").dropFirst().first.map(String.init) ?? ""
                #expect(traceID.count == 32, "trace-parent \(traceParent)")
                let jobParents = try await kubectlRun(["get", "jobs", "-n", "default", "-l", "kratix.io/resource-name=one",
                                                       "-o", "jsonpath={.items[*].metadata.annotations.kratix\\.io/trace-parent}"]).stdout
                #expect(jobParents.contains(traceParent))

                // One trace: the reconcile, the work-writer in the pipeline pod, the placement write.
                var spans: [Record] = []
                let traced = await Polling.until(.seconds(60)) {
                    spans = Self.records(output).filter { $0.kind == "span" && $0.traceId == traceID }
                    return spans.contains { $0.name == "traced/DynamicResourceRequestReconcile" }
                        && spans.contains { $0.name == "WorkCreator.Execute" }
                        && spans.contains { $0.name == "one/traced/WorkPlacementReconcile" }
                }
                let names = Set(Self.records(output).filter { $0.kind == "span" }.map { "\($0.name) \($0.traceId ?? "")" })
                #expect(traced, "spans of trace \(traceID): \(spans.map(\.name)); all: \(names)")
                #expect(spans.allSatisfy { $0.service == "kratix-controller-manager" })
                let writer = spans.first { $0.name == "WorkCreator.Execute" }
                #expect(writer?.attributes?["kratix.promise.name"] == "traced", "\(String(describing: writer)) \((try? String(contentsOfFile: output, encoding: .utf8))?.prefix(3000) ?? "")")
                #expect(writer?.parentSpanId?.isEmpty == false, "the work-writer's span has the request's as parent")

                // Upstream's counters, with its attributes.
                let counted = await Polling.until(.seconds(30)) {
                    let metrics = Self.records(output).filter { $0.kind == "metric" }
                    return metrics.contains { $0.name == "kratix_workplacement_writes_total" && $0.attributes?["result"] == "success"
                        && $0.attributes?["promise"] == "traced" && $0.attributes?["destination"] == "local" }
                        && metrics.contains { $0.name == "kratix_workplacement_outcomes_total" && $0.attributes?["result"] == "scheduled" }
                }
                #expect(counted, "\(Self.records(output).filter { $0.kind == "metric" }.map(\.name))")
                let receiverLog = receiver.log
                #expect(receiverLog.isEmpty || !receiverLog.contains("Traceback"), "\(receiverLog)")
            } catch {
                _ = await dev.stop()
                throw error
            }
            // A graceful stop flushes the exporters and ends cleanly.
            let ended = await dev.stop(signal: SIGTERM)
            #expect(ended.code == 0, "kratix dev did not stop cleanly: \(dev.log.suffix(3000))")
        } catch {
            _ = await receiver.stop()
            throw error
        }
        _ = await receiver.stop()
    }
}
