import Foundation
import KratixTestSupport
import Testing
@testable import KratixStateStore
import KratixAPI

/// The S3 writer against `moto_server` (``MotoServer``, with IAM authentication on where keys must
/// really be checked); the bucket is inspected with boto3, not with our client.
@Suite("S3 writer against moto", .serialized)
struct S3Tests {
    @Test func writesReplacesSkipsUnchangedAndDeletes() async throws {
        try TestEnvironment.require("moto_server")
        let tmp = TempDir(); defer { tmp.cleanup() }
        let moto = try await MotoServer.start(in: tmp.path)
        defer { Task { await moto.stop() } }

        var store = BucketStateStore(name: "default", spec: BucketStateStoreSpec(bucketName: "kratix", endpoint: moto.endpoint,
                                                                                secretRef: SecretReference(name: "minio-credentials")))
        store.spec.insecure = true
        store.spec.path = "platform"
        let config = try S3WriterConfiguration(store: store, secretData: ["accessKeyID": Array(moto.accessKeyID.utf8),
                                                                         "secretAccessKey": Array(moto.secretAccessKey.utf8)])
        let w = S3Writer(config)
        #expect(try await w.client.headBucket())
        try await w.validatePermissions()

        let canary = try await w.update(CanaryDocuments.update(destinationPath: "worker-1", mode: .nestedByMetadata))
        #expect(canary.changed && canary.versionID.count == 64)
        let dir = "worker-1/resources/default/redis/example/instance-configure/5058f"
        let first = try await w.update(StateStoreUpdate(name: "wp", directory: dir, replaceDirectory: true, files: [
            StateStoreFile(path: "redis.yaml", text: "kind: Redis\n"), StateStoreFile(path: "extras/monitor.yaml", text: "kind: Monitor\n"),
            StateStoreFile(path: "with space & ü.yaml", text: "odd name\n"),
        ]))
        #expect(first.changed)
        var bucket = try await moto.contents()
        #expect(bucket["platform/\(dir)/redis.yaml"] == "kind: Redis\n")
        #expect(bucket["platform/\(dir)/with space & ü.yaml"] == "odd name\n")
        #expect(bucket["platform/worker-1/resources/kratix-canary-configmap.yaml"] == CanaryDocuments.configMapDocument)

        // Unchanged content: no upload (ETag = MD5), empty version id.
        let same = try await w.update(StateStoreUpdate(name: "wp", directory: dir, replaceDirectory: true, files: [
            StateStoreFile(path: "redis.yaml", text: "kind: Redis\n"), StateStoreFile(path: "extras/monitor.yaml", text: "kind: Monitor\n"),
            StateStoreFile(path: "with space & ü.yaml", text: "odd name\n"),
        ]))
        #expect(!same.changed && same.versionID == "")

        // Replace wholesale: the other files go.
        _ = try await w.update(StateStoreUpdate(name: "wp", directory: dir, replaceDirectory: true, files: [
            StateStoreFile(path: "redis.yaml", text: "kind: Redis\nv: 2\n"),
        ]))
        bucket = try await moto.contents()
        #expect(bucket.keys.filter { $0.hasPrefix("platform/\(dir)/") } == ["platform/\(dir)/redis.yaml"])
        #expect(try await w.readFile("\(dir)/redis.yaml").map { String(decoding: $0, as: UTF8.self) } == "kind: Redis\nv: 2\n")
        #expect(try await w.readFile("\(dir)/nope.yaml") == nil)

        // Flat delete list, then the directory removal.
        _ = try await w.update(StateStoreUpdate(name: "wp", directory: "worker-1", files: [StateStoreFile(path: "flat.yaml", text: "f")]))
        _ = try await w.update(StateStoreUpdate(name: "wp", deletions: ["worker-1/flat.yaml", "worker-1/never.yaml"]))
        let gone = try await w.deleteDirectory(dir, name: "wp")
        #expect(gone.changed)
        bucket = try await moto.contents()
        #expect(bucket.keys.sorted() == ["platform/worker-1/dependencies/kratix-canary-namespace.yaml",
                                         "platform/worker-1/resources/kratix-canary-configmap.yaml"])

        // Unsafe paths: nothing written.
        await #expect(throws: StateStoreError.self) {
            _ = try await w.update(StateStoreUpdate(name: "wp", directory: "worker-1", files: [
                StateStoreFile(path: "ok.yaml", text: "x"), StateStoreFile(path: "../../escape.yaml", text: "x"),
            ]))
        }
        #expect(try await moto.contents().count == 2)
    }

    @Test func pagination() async throws {
        try TestEnvironment.require("moto_server")
        let tmp = TempDir(); defer { tmp.cleanup() }
        let moto = try await MotoServer.start(in: tmp.path)
        defer { Task { await moto.stop() } }
        let creds = AWSCredentials(accessKeyID: moto.accessKeyID, secretAccessKey: moto.secretAccessKey)
        let w = S3Writer(S3WriterConfiguration(endpoint: moto.endpoint, bucket: "kratix", credentials: creds, useTLS: false))
        let files = (0..<7).map { StateStoreFile(path: "f\($0).yaml", text: "\($0)") }
        _ = try await w.update(StateStoreUpdate(name: "wp", directory: "dir", replaceDirectory: true, files: files))
        let first = try await w.client.listObjectsPage(prefix: "dir/", maxKeys: 3)
        #expect(first.objects.count == 3 && first.isTruncated && first.nextContinuationToken != nil)
        let all = try await w.client.listObjects(prefix: "dir/", pageSize: 3)
        #expect(all.map(\.key) == files.map { "dir/\($0.path)" })
        // Replacing with fewer files deletes the rest (DeleteObjects).
        let replaced = try await w.update(StateStoreUpdate(name: "wp", directory: "dir", replaceDirectory: true, files: [files[0]]))
        #expect(replaced.changed)
        #expect(try await moto.contents().keys.sorted() == ["dir/f0.yaml"])
    }

    @Test func badCredentialsAreAClearErrorAndWriteNothing() async throws {
        try TestEnvironment.require("moto_server")
        let tmp = TempDir(); defer { tmp.cleanup() }
        let moto = try await MotoServer.start(in: tmp.path, checkingCredentials: true)
        defer { Task { await moto.stop() } }
        let good = S3Writer(S3WriterConfiguration(endpoint: moto.endpoint, bucket: "kratix",
                                                  credentials: AWSCredentials(accessKeyID: moto.accessKeyID, secretAccessKey: moto.secretAccessKey), useTLS: false))
        try await good.validatePermissions()
        let r = try await good.update(StateStoreUpdate(name: "wp", files: [StateStoreFile(path: "good.yaml", text: "g")]))
        #expect(r.changed)

        let wrongSecret = S3Writer(S3WriterConfiguration(endpoint: moto.endpoint, bucket: "kratix",
                                                         credentials: AWSCredentials(accessKeyID: moto.accessKeyID, secretAccessKey: "wrong"), useTLS: false))
        do {
            _ = try await wrongSecret.update(StateStoreUpdate(name: "wp", files: [StateStoreFile(path: "x.yaml", text: "x")]))
            Issue.record("a wrong secret must fail")
        } catch {
            #expect(error.isAuthenticationFailure, "\(error)")
            #expect(error.description.contains("bucket \"kratix\""), "\(error)")
        }
        let unknownKey = S3Writer(S3WriterConfiguration(endpoint: moto.endpoint, bucket: "kratix",
                                                        credentials: AWSCredentials(accessKeyID: "AKIAUNKNOWN", secretAccessKey: "x"), useTLS: false))
        do {
            try await unknownKey.validatePermissions()
            Issue.record("an unknown key must fail")
        } catch {
            #expect(error.isAuthenticationFailure, "\(error)")
            #expect(error.description.contains("InvalidAccessKeyId"), "\(error)")
        }
        #expect(try await moto.contents().keys.sorted() == ["good.yaml"])
    }

    @Test func specRules() throws {
        var store = BucketStateStore(name: "b", spec: BucketStateStoreSpec(bucketName: "kratix", endpoint: "s3.eu-west-2.amazonaws.com"))
        #expect(throws: StateStoreError(.invalidConfiguration("secret is missing key: accessKeyID"))) {
            try S3WriterConfiguration(store: store, secretData: [:])
        }
        #expect(throws: StateStoreError(.invalidConfiguration("secret is missing key: secretAccessKey"))) {
            try S3WriterConfiguration(store: store, secretData: ["accessKeyID": [65]])
        }
        let c = try S3WriterConfiguration(store: store, secretData: ["accessKeyID": [65], "secretAccessKey": [66]])
        #expect(c.useTLS)
        let client = S3Writer(c).client
        #expect(client.region == "eu-west-2" && client.usesVirtualHost)
        store.spec.authMethod = .iam
        let iam = try S3WriterConfiguration(store: store, secretData: [:],
                                            environment: ["AWS_ACCESS_KEY_ID": "a", "AWS_SECRET_ACCESS_KEY": "b", "AWS_SESSION_TOKEN": "t"])
        #expect(iam.credentials.sessionToken == "t")
        // S3 keys keep a leading slash from a "/" Destination path (spec §7.1).
        let w = S3Writer(S3WriterConfiguration(endpoint: "e", bucket: "b", credentials: AWSCredentials(accessKeyID: "a", secretAccessKey: "b")))
        #expect(w.key("/", "x.yaml") == "/x.yaml")
        #expect(w.key(".", "x.yaml") == "x.yaml")
    }
}
