import KratixAPI
import KratixStateStore
import KubeModel

/// What a destination cluster applies so that its GitOps agent reads its part of a state store
/// (`kratix manifests destination`): upstream's `scripts/install-gitops` as a value. Kratix writes a
/// Destination's documents under `<store path>/<destination path>`; in `nestedByMetadata` mode the
/// namespaces and CRDs a Promise needs sit in `dependencies/` and the workloads in `resources/`, so
/// the agent must apply the first before the second (Flux: a `dependsOn`; Argo CD: two Applications
/// that retry). The other modes write one flat directory, read by one Kustomization or Application.
///
/// Credentials are never copied here: a Secret read from the API is only named (in the header), and
/// the flag path prints a Secret with placeholder values for the user to fill in.
struct DestinationManifests: Sendable, Equatable {
    enum Agent: String, Sendable, CaseIterable {
        case flux
        case argocd

        /// Where the agent looks for its objects unless `--namespace` says otherwise.
        var defaultNamespace: String { self == .flux ? "flux-system" : "argocd" }
    }

    /// The state store as the agent reaches it.
    enum Store: Sendable, Equatable {
        /// `ssh` picks the agent's SSH key Secret keys; otherwise basic auth (a token for GitHub Apps).
        case git(url: String, branch: String, ssh: Bool)
        /// `insecure`: plain HTTP, as the BucketStateStore's `insecure` means. `iam`: the agent
        /// authenticates with its cloud identity (Flux provider `aws`) and needs no Secret.
        case bucket(bucketName: String, endpoint: String, insecure: Bool, iam: Bool)
    }

    /// Where the agent's credentials come from.
    enum Credentials: Sendable, Equatable {
        /// The store needs none (a public repository, or a bucket read through IAM).
        case none
        /// The flag path: a Secret with this name and placeholder values is printed with the objects.
        case placeholder(secretName: String)
        /// Read from the API: the Secret is only referenced by name; it must exist on the destination
        /// cluster. `platformSecret` (`namespace/name`) is the store's own Secret, named in the header
        /// so the user knows where the values are.
        case existing(secretName: String, platformSecret: String?)

        var secretName: String? {
            switch self {
            case .none: nil
            case .placeholder(let name), .existing(let name, _): name
            }
        }
    }

    var destinationName: String
    /// The Destination's `spec.path`.
    var destinationPath: String
    /// The state store's `spec.path` (empty when unset).
    var storePath: String = ""
    var filepathMode: FilepathMode = .nestedByMetadata
    var store: Store
    var agent: Agent = .flux
    var namespace: String
    var credentials: Credentials

    // MARK: Layout

    /// The Destination's directory relative to the source root (`.` for the root), as the state store
    /// writer composes it (spec §7.1): Git trims the store path's leading slash; a bucket key made
    /// with a leading slash is read here without it, since agents address paths from the root.
    var directory: String {
        var store = storePath
        if case .git = self.store { store = StorePath.clean(store) }
        let joined = StorePath.join(store, destinationPath)
        let relative = String(joined.drop { $0 == "/" })
        return relative.isEmpty ? "." : StorePath.clean(relative)
    }

    /// One entry per directory the agent applies, in the order it must apply them.
    struct Part: Sendable, Equatable {
        /// The Kustomization's, Application's (and Git source's) name.
        var name: String
        /// The directory relative to the source root.
        var directory: String
    }

    var parts: [Part] {
        let base = directory
        func under(_ child: String) -> String { base == "." ? child : "\(base)/\(child)" }
        switch filepathMode {
        case .nestedByMetadata:
            return [
                Part(name: "kratix-\(destinationName)-dependencies", directory: under("dependencies")),
                Part(name: "kratix-\(destinationName)-resources", directory: under("resources")),
            ]
        case .aggregatedYAML, .none:
            return [Part(name: "kratix-\(destinationName)", directory: base)]
        }
    }

    // MARK: Output

    /// The objects in apply order: the credentials Secret (flag path), then each part's source and
    /// Kustomization (Flux) or Application (Argo CD), dependencies first.
    func objects() throws(DestinationManifestsError) -> [JSONValue] {
        try check()
        var objects: [JSONValue] = []
        if case .placeholder(let secretName) = credentials { objects.append(placeholderSecret(named: secretName)) }
        switch agent {
        case .flux: objects += fluxObjects()
        case .argocd: objects += try argoObjects()
        }
        return objects
    }

    /// The YAML stream `kratix manifests destination` prints: a comment saying what to apply where
    /// and what the Secret must hold, then one document per object.
    func yaml() throws(DestinationManifestsError) -> String {
        let objects = try objects()
        let header = headerLines().map { $0.isEmpty ? "#\n" : "# \($0)\n" }.joined()
        return header + objects.map { "---\n" + YAMLWriter().write($0) }.joined()
    }

    private func check() throws(DestinationManifestsError) {
        for part in parts where !LabelValidation.isDNSSubdomain(part.name) {
            throw DestinationManifestsError(.invalidObjectName(part.name))
        }
        if let name = credentials.secretName, !LabelValidation.isDNSSubdomain(name) {
            throw DestinationManifestsError(.invalidSecretName(name))
        }
        guard LabelValidation.isDNSLabel(namespace) else { throw DestinationManifestsError(.invalidNamespace(namespace)) }
        if agent == .argocd, case .bucket = store { throw DestinationManifestsError(.argoCDNeedsGit(destination: destinationName)) }
    }

    /// The Secret keys the agent reads, each with what goes into it.
    var secretKeys: [(key: String, meaning: String)] {
        switch (agent, store) {
        case (.flux, .git(_, _, true)):
            [("identity", "the SSH private key (the store Secret's sshPrivateKey)"),
             ("known_hosts", "the Git host's known_hosts lines (the store Secret's knownHosts)")]
        case (.argocd, .git(_, _, true)):
            [("sshPrivateKey", "the SSH private key (the store Secret's sshPrivateKey)")]
        case (_, .git):
            [("username", "the Git user (the store Secret's username; x-access-token for a GitHub token)"),
             ("password", "the password or token (the store Secret's password)")]
        case (_, .bucket):
            [("accesskey", "the access key ID (the store Secret's accessKeyID)"),
             ("secretkey", "the secret access key (the store Secret's secretAccessKey)")]
        }
    }

    static let placeholderValue = "REPLACE-ME"

    private func placeholderSecret(named name: String) -> JSONValue {
        var metadata: JSONObject = ["name": .string(name), "namespace": .string(namespace)]
        var data: JSONObject = [:]
        if agent == .argocd, case .git(let url, _, _) = store {
            metadata["labels"] = ["argocd.argoproj.io/secret-type": "repository"]
            data["type"] = "git"
            data["url"] = .string(url)
        }
        for entry in secretKeys { data[entry.key] = .string(Self.placeholderValue) }
        return ["apiVersion": "v1", "kind": "Secret", "metadata": .object(metadata), "type": "Opaque", "stringData": .object(data)]
    }

    private func headerLines() -> [String] {
        let agentName = agent == .flux ? "Flux (v2.4 or later: source.toolkit.fluxcd.io/v1)" : "Argo CD"
        var lines = [
            "What destination cluster \(destinationName) applies to read its documents from the state store, with \(agentName).",
            "Kratix writes them under \(directory == "." ? "the store's root" : directory + "/") (filepath mode \(filepathMode.rawValue)); "
                + (parts.count == 2 ? "dependencies/ is applied before resources/." : "one directory, applied as a whole."),
        ]
        switch credentials {
        case .none:
            lines.append("The store needs no credentials here.")
        case .placeholder(let secretName):
            let keys = secretKeys.map(\.key).joined(separator: ", ")
            lines.append("Secret \(namespace)/\(secretName) below holds placeholders (\(Self.placeholderValue)): set \(keys) before applying.")
            lines += secretKeys.map { "  \($0.key): \($0.meaning)" }
        case .existing(let secretName, let platformSecret):
            lines.append("Create Secret \(namespace)/\(secretName) on this cluster first (it is referenced, not printed), with the keys:")
            lines += secretKeys.map { "  \($0.key): \($0.meaning)" }
            if let platformSecret { lines.append("The values are those of the state store's Secret \(platformSecret) on the platform.") }
        }
        if agent == .argocd, parts.count == 2 {
            lines.append("Argo CD has no ordering between Applications: resources/ syncs retry until dependencies/ is applied.")
        }
        return lines
    }

    // MARK: Flux

    private static let fluxSourceVersion = "source.toolkit.fluxcd.io/v1"
    private static let fluxKustomizeVersion = "kustomize.toolkit.fluxcd.io/v1"

    /// Upstream's test destinations (`hack/destination/gitops-tk-resources*.yaml`): for Git, one
    /// GitRepository per Kustomization named as it; for a bucket, one Bucket both read. Intervals are
    /// upstream's. Paths keep upstream's two forms (`dir/` for Git, `./dir` for buckets).
    private func fluxObjects() -> [JSONValue] {
        var objects: [JSONValue] = []
        let parts = parts
        switch store {
        case .git(let url, let branch, _):
            for (index, part) in parts.enumerated() {
                var spec: JSONObject = ["interval": "5s", "url": .string(Self.fluxGitURL(url)), "ref": ["branch": .string(branch)]]
                if let secretName = credentials.secretName { spec["secretRef"] = ["name": .string(secretName)] }
                if let ignore = sourceIgnore { spec["ignore"] = .string(ignore) }
                objects.append(object(Self.fluxSourceVersion, "GitRepository", part.name, spec))
                let path = part.directory == "." ? "./" : part.directory + "/"
                objects.append(kustomization(part, index: index, source: ("GitRepository", part.name), path: path))
            }
        case .bucket(let bucketName, let endpoint, let insecure, let iam):
            let sourceName = "kratix-\(destinationName)"
            var spec: JSONObject = ["interval": "10s", "provider": .string(iam ? "aws" : "generic"), "bucketName": .string(bucketName),
                                    "endpoint": .string(endpoint)]
            if insecure { spec["insecure"] = true }
            if let secretName = credentials.secretName { spec["secretRef"] = ["name": .string(secretName)] }
            if let ignore = sourceIgnore { spec["ignore"] = .string(ignore) }
            objects.append(object(Self.fluxSourceVersion, "Bucket", sourceName, spec))
            for (index, part) in parts.enumerated() {
                let path = part.directory == "." ? "./" : "./" + part.directory
                objects.append(kustomization(part, index: index, source: ("Bucket", sourceName), path: path))
            }
        }
        return objects
    }

    /// In mode `none` the writer keeps its `.kratix/` bookkeeping files beside the documents; they
    /// are YAML but not Kubernetes objects, so the source leaves them out (Flux would fail to build
    /// the generated kustomization). `.git/` is named because `ignore` replaces Flux's defaults.
    private var sourceIgnore: String? {
        filepathMode == .none ? ".git/\n.kratix/\n" : nil
    }

    private func kustomization(_ part: Part, index: Int, source: (kind: String, name: String), path: String) -> JSONValue {
        var spec: JSONObject = ["interval": .string(parts.count == 2 && index == 0 ? "8s" : "3s")]
        if index > 0 { spec["dependsOn"] = [["name": .string(parts[index - 1].name)]] }
        spec["sourceRef"] = ["kind": .string(source.kind), "name": .string(source.name)]
        spec["path"] = .string(path)
        spec["prune"] = true
        return object(Self.fluxKustomizeVersion, "Kustomization", part.name, spec)
    }

    /// Flux takes only `ssh://` URLs for SSH, not the scp form (`git@host:org/repo.git`) the
    /// GitStateStore also accepts.
    static func fluxGitURL(_ url: String) -> String {
        guard !url.contains("://"), let at = url.firstIndex(of: "@"), let colon = url[at...].firstIndex(of: ":") else { return url }
        let userHost = url[..<colon]
        let path = url[url.index(after: colon)...]
        return "ssh://\(userHost)/\(path.hasPrefix("/") ? path.dropFirst() : path)"
    }

    // MARK: Argo CD

    /// Upstream's `gitops-argo-resources-git.yaml`: one Application per directory, recursing,
    /// synced automatically with prune and self-heal, at the store's branch.
    private func argoObjects() throws(DestinationManifestsError) -> [JSONValue] {
        guard case .git(let url, let branch, _) = store else { throw DestinationManifestsError(.argoCDNeedsGit(destination: destinationName)) }
        return parts.map { part in
            var directory: JSONObject = ["recurse": true]
            if filepathMode == .none { directory["exclude"] = ".kratix/*" }
            var syncPolicy: JSONObject = ["automated": ["selfHeal": true, "prune": true]]
            if parts.count == 2 {
                syncPolicy["retry"] = ["limit": 10, "backoff": ["duration": "5s", "factor": 2, "maxDuration": "3m"]]
            }
            let spec: JSONObject = [
                "project": "default",
                "source": ["repoURL": .string(url), "targetRevision": .string(branch),
                           "path": .string(part.directory == "." ? "." : part.directory + "/"), "directory": .object(directory)],
                "destination": ["server": "https://kubernetes.default.svc", "namespace": "default"],
                "syncPolicy": .object(syncPolicy),
            ]
            return object("argoproj.io/v1alpha1", "Application", part.name, spec)
        }
    }

    private func object(_ apiVersion: String, _ kind: String, _ name: String, _ spec: JSONObject) -> JSONValue {
        ["apiVersion": .string(apiVersion), "kind": .string(kind),
         "metadata": ["name": .string(name), "namespace": .string(namespace)], "spec": .object(spec)]
    }
}
