import ChildProcesses
import Crypto
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Moments in a Git write, reported to ``GitWriterConfiguration/phaseObserver`` (tests use it to
/// kill a writer between commit and push; metrics may count pushes).
public enum GitWritePhase: Sendable, Equatable {
    /// An update joined the batch queue; `waiting` updates wait there now. Reported after the
    /// update is queued, from a task of its own (so it may arrive after later phases).
    case queued(waiting: Int)
    case committed(sha: String)
    case pushed(sha: String)
    case pushRejected(attempt: Int)
}

/// One local clone of one repository and branch, owned by one process, driven through the `git`
/// CLI. It is an actor for its state (last fetch, queue), and also holds an async lock over the
/// working tree, because an actor alone would interleave two writes at every `await` on `git`.
///
/// Crash safety: before committing, the updates of a batch are journalled under `pending/`; the
/// journal is removed only once the push succeeded or the failure was reported to the callers. A
/// writer restarted on the same cache directory replays what a crash left in the journal (it was
/// committed locally, maybe not pushed) before its next write, so the next push carries both.
actor GitRepository {
    let configuration: GitWriterConfiguration
    let root: String
    let repoDir: String
    private let journal: GitJournal
    private let git: String
    private let authDir: String
    private var environment: [String: String] = [:]
    private var secrets: [String] = []
    private let tokenSource: GitHubAppTokenSource?
    private var prepared = false
    private var lastFetch: ContinuousClock.Instant?
    private var lockFD: Int32 = -1

    // The working-tree lock.
    private var busy = false
    private var waiters: [CheckedContinuation<Void, Never>] = []

    // Batching.
    private var queue: [(update: StateStoreUpdate, reply: CheckedContinuation<Result<WriteResult, StateStoreError>, Never>)] = []
    private var flushScheduled = false

    init(configuration: GitWriterConfiguration, root: String) throws(StateStoreError) {
        self.configuration = configuration
        self.root = root
        self.repoDir = root + "/repo"
        self.authDir = root + "/auth"
        self.journal = GitJournal(directory: root + "/pending")
        guard let git = configuration.gitExecutable ?? ChildProcess.which("git") else {
            throw StateStoreError(.invalidConfiguration("the git executable was not found on PATH"))
        }
        self.git = git
        if case .gitHubApp(let credentials) = configuration.authentication {
            tokenSource = try GitHubAppTokenSource(credentials)
        } else {
            tokenSource = nil
        }
    }

    // MARK: Public operations (called by GitWriter)

    /// Applies updates one commit per update (batching off).
    func applyEach(_ update: StateStoreUpdate) async -> Result<WriteResult, StateStoreError> {
        await acquire()
        defer { release() }
        return await applyLocked([update])[0]
    }

    /// Queues an update for the next batch; the batch is flushed `batchWindow` after its first update.
    func submit(_ update: StateStoreUpdate) async -> Result<WriteResult, StateStoreError> {
        await withCheckedContinuation { reply in
            queue.append((update, reply))
            scheduleFlush()
            if let observer = configuration.phaseObserver {
                let waiting = queue.count
                Task { await observer(.queued(waiting: waiting)) }
            }
        }
    }

    /// Updates waiting for the writer (for diagnostics and tests).
    var queuedUpdates: Int { queue.count }

    func readFile(_ path: String) async throws(StateStoreError) -> [UInt8]? {
        let relative = try StorePath.validatedStorePath(path, field: "path")
        await acquire()
        defer { release() }
        try await prepare()
        try await sync(forceFetch: false)
        let store = try StorePath.validatedStorePath(configuration.storePath, field: "spec.path")
        let inRepo = StorePath.trimLeadingSlash(StorePath.join(StorePath.trimLeadingSlash(store), relative))
        guard inRepo != ".", !inRepo.isEmpty else { return nil }
        try GitUpdatePlan.checkNotGitMetadata(inRepo, original: path)
        let full = try absolutePath(inRepo)
        guard let data = FileManager.default.contents(atPath: full) else { return nil }
        return [UInt8](data)
    }

    func validatePermissions() async throws(StateStoreError) {
        await acquire()
        defer { release() }
        do {
            try await prepare()
            try await sync(forceFetch: true)
            let branch = configuration.branch
            if try await remoteBranchExists() {
                // Upstream's check: a no-op push of the branch onto itself needs write access.
                _ = try await git(network: true, "push", "--porcelain", "origin", "refs/remotes/origin/\(branch):refs/heads/\(branch)")
            } else if try await revParse("HEAD") != nil {
                _ = try await git(network: true, "push", "--dry-run", "--porcelain", "origin", "HEAD:refs/heads/\(branch)")
            } else {
                _ = try await git(network: true, "ls-remote", "--heads", "origin")
            }
        } catch {
            if case .authenticationFailed = error.reason { throw error }
            throw StateStoreError(.permissionValidationFailed(error.description))
        }
    }

    // MARK: Batching

    private func scheduleFlush() {
        guard !flushScheduled else { return }
        flushScheduled = true
        let window = configuration.batchWindow
        Task { [weak self] in
            if window > .zero { try? await Task.sleep(for: window) }
            await self?.flush()
        }
    }

    private func flush() async {
        await acquire()
        let take = min(queue.count, configuration.maxBatchSize)
        let batch = Array(queue.prefix(take))
        queue.removeFirst(take)
        flushScheduled = false
        if !queue.isEmpty { scheduleFlush() }
        let results = batch.isEmpty ? [] : await applyLocked(batch.map(\.update))
        release()
        for (entry, result) in zip(batch, results) { entry.reply.resume(returning: result) }
    }

    // MARK: The working-tree lock

    private func acquire() async {
        if !busy { busy = true; return }
        await withCheckedContinuation { waiters.append($0) }
    }

    private func release() {
        if waiters.isEmpty { busy = false } else { waiters.removeFirst().resume() }
    }

    // MARK: The write

    /// Validates, applies, commits and pushes `updates` as one commit; retries rejected pushes after
    /// fetching and re-applying. Must be called with the lock held.
    private func applyLocked(_ updates: [StateStoreUpdate]) async -> [Result<WriteResult, StateStoreError>] {
        var results = [Result<WriteResult, StateStoreError>?](repeating: nil, count: updates.count)
        var valid: [(index: Int, plan: GitUpdatePlan)] = []
        for (i, update) in updates.enumerated() {
            do throws(StateStoreError) {
                valid.append((i, try GitUpdatePlan(update, storePath: configuration.storePath)))
            } catch {
                results[i] = .failure(error)
            }
        }
        if valid.isEmpty { return results.map { $0! } }
        var entryID: String?
        do throws(StateStoreError) {
            try await prepare()
            let pending = journal.load()
            entryID = try journal.record(valid.map(\.plan.update))
            var attempt = 1
            while true {
                try await sync(forceFetch: attempt > 1)
                // What a crash left committed but maybe unpushed goes first, as its own commits.
                for entry in pending {
                    let plans = entry.updates.compactMap { try? GitUpdatePlan($0, storePath: configuration.storePath) }
                    var specs: [String] = []
                    for plan in plans { specs += try apply(plan) }
                    try await stage(specs)
                    try await commitIfChanged(message: GitRepository.message(for: plans.map(\.update)))
                }
                // Every update's files, then one `git add` for all of them.
                var changed: [Bool] = []
                var pathspecs: [String] = []
                for (_, plan) in valid {
                    changed.append(wouldChange(plan))
                    pathspecs += try apply(plan)
                }
                try await stage(pathspecs)
                let committedUpdates = zip(valid, changed).filter { $0.1 }.map { $0.0.plan.update }
                try await commitIfChanged(message: GitRepository.message(for: committedUpdates))
                let head = try await revParse("HEAD") ?? ""
                if try await pushIfAhead(attempt: attempt) {
                    for entry in pending { journal.remove(entry.id) }
                    if let entryID { journal.remove(entryID) }
                    for (k, item) in valid.enumerated() {
                        results[item.index] = .success(WriteResult(versionID: head, changed: changed[k]))
                    }
                    return results.map { $0! }
                }
                if attempt >= configuration.pushAttempts {
                    throw StateStoreError(.pushRejected(attempts: attempt, detail: "the branch \(configuration.branch) kept moving (non-fast-forward)"))
                }
                await configuration.phaseObserver?(.pushRejected(attempt: attempt))
                // Back off with jitter so competing writers stop colliding.
                let cap = min(2000, 25 << min(attempt, 6))
                try? await Task.sleep(for: .milliseconds(Int.random(in: cap / 2 ... cap)))
                attempt += 1
            }
        } catch {
            // The failure is reported to the callers, so this batch must not resurface later; what
            // an earlier crash left stays journalled for the next write.
            if let entryID { journal.remove(entryID) }
            lastFetch = nil
            // A killed git may leave lock files; opening the clone again removes them.
            if case .timedOut = error.reason { prepared = false }
            for item in valid { results[item.index] = .failure(error) }
            return results.map { $0! }
        }
    }

    /// The commit message: upstream's exact text for one update; for a batch, one line per update
    /// (the subject is the first update's line, the body lists the rest).
    static func message(for updates: [StateStoreUpdate]) -> String {
        guard let first = updates.first else { return "" }
        if updates.count == 1 { return first.commitMessage }
        return first.commitMessage + "\n\n" + updates.dropFirst().map(\.commitMessage).joined(separator: "\n")
    }

    /// Whether applying `plan` to the working tree as it is would change anything.
    private func wouldChange(_ plan: GitUpdatePlan) -> Bool {
        let fm = FileManager.default
        func content(_ path: String) -> [UInt8]? {
            guard let full = try? absolutePath(path), let data = fm.contents(atPath: full) else { return nil }
            return [UInt8](data)
        }
        for path in plan.deletions where content(path) != nil { return true }
        for file in plan.files where content(file.path) != file.content { return true }
        if let dir = plan.replacedDirectory, let full = try? absolutePath(dir) {
            // Files in the directory that the update does not keep.
            let wanted = Set(plan.files.map(\.path))
            let prefix = dir.isEmpty ? "" : dir + "/"
            if let walker = fm.enumerator(atPath: full) {
                for case let relative as String in walker {
                    var isDir: ObjCBool = false
                    if fm.fileExists(atPath: full + "/" + relative, isDirectory: &isDir), !isDir.boolValue, !wanted.contains(prefix + relative) {
                        return true
                    }
                }
            }
        }
        return false
    }

    /// Writes `plan` into the working tree; returns the paths to stage.
    private func apply(_ plan: GitUpdatePlan) throws(StateStoreError) -> [String] {
        var pathspecs: [String] = []
        let fm = FileManager.default
        if let dir = plan.replacedDirectory {
            // The working tree matches the branch after `sync`: a directory that is not there is
            // not tracked either.
            let full = try absolutePath(dir)
            if fm.fileExists(atPath: full) {
                pathspecs.append(dir)
                removeItem(full)
            }
        }
        for path in plan.deletions {
            let full = try absolutePath(path)
            var isDir: ObjCBool = false
            if fm.fileExists(atPath: full, isDirectory: &isDir), !isDir.boolValue {
                removeItem(full)
                pathspecs.append(path)
            }
        }
        for file in plan.files {
            let full = try absolutePath(file.path)
            let parent = (full as NSString).deletingLastPathComponent
            do {
                var isDir: ObjCBool = false
                if fm.fileExists(atPath: full, isDirectory: &isDir), isDir.boolValue {
                    try fm.removeItem(atPath: full)
                }
                try fm.createDirectory(atPath: parent, withIntermediateDirectories: true,
                                       attributes: [.posixPermissions: 0o700])
                try Self.writeFile(full, file.content, displayPath: file.path)
            } catch let error as StateStoreError {
                throw error
            } catch {
                throw StateStoreError(.io(path: file.path, detail: "\(error)"))
            }
            pathspecs.append(file.path)
        }
        return pathspecs
    }

    /// Writes a working-tree file in place: no temporary file, rename or fsync (`FileManager`'s
    /// atomic write costs all three per file). A torn file cannot outlive a crash: the journal
    /// replays the batch, and git commits only what `git add` read after these writes returned.
    static func writeFile(_ full: String, _ content: [UInt8], displayPath: String) throws(StateStoreError) {
        let fd = open(full, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0o644)
        guard fd >= 0 else {
            throw StateStoreError(.io(path: displayPath, detail: "cannot write the file: \(String(cString: strerror(errno)))"))
        }
        defer { close(fd) }
        var offset = 0
        while offset < content.count {
            let n = content[offset...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            if n > 0 { offset += n; continue }
            if n < 0 && errno == EINTR { continue }
            throw StateStoreError(.io(path: displayPath, detail: "cannot write the file: \(String(cString: strerror(errno)))"))
        }
    }

    /// Stages `pathspecs` (the working tree's state of each, deletions included).
    private func stage(_ pathspecs: [String]) async throws(StateStoreError) {
        // Literal pathspecs (GIT_LITERAL_PATHSPECS) and --force: workload names are data, and a
        // repository's .gitignore must not silently drop them. A path staged twice is staged once.
        var seen = Set<String>()
        let unique = pathspecs.filter { seen.insert($0).inserted }
        guard !unique.isEmpty else { return }
        // The paths go on stdin, NUL-separated: one `git add` for a whole batch, however large,
        // within the kernel's limits on arguments.
        var input: [UInt8] = []
        for path in unique { input += Array(path.utf8) + [0] }
        _ = try await git(network: false, ["add", "--all", "--force", "--pathspec-from-file=-", "--pathspec-file-nul"], input: input)
    }

    private func removeItem(_ path: String) {
        try? FileManager.default.removeItem(atPath: path)
    }

    /// The absolute path in the clone, after checking that no existing component is a symbolic
    /// link: a link committed by someone else must not carry a write outside the repository.
    private func absolutePath(_ relative: String) throws(StateStoreError) -> String {
        guard !relative.isEmpty else { return repoDir }
        var current = repoDir
        for component in relative.split(separator: "/") {
            current += "/" + component
            var info = stat()
            if lstat(current, &info) == 0, (info.st_mode & S_IFMT) == S_IFLNK {
                throw StateStoreError(.unsafePath(path: relative, reason: "it goes through the symbolic link \(current.dropFirst(repoDir.count + 1))"))
            }
        }
        return current
    }

    private func commitIfChanged(message: String) async throws(StateStoreError) {
        let staged = try await run(["diff", "--cached", "--quiet", "--exit-code"], network: false)
        if staged.exitCode == 0 { return }
        _ = try await git(network: false, "commit", "--quiet", "--no-verify", "--allow-empty-message", "-m", message)
        if let sha = try await revParse("HEAD") {
            await configuration.phaseObserver?(.committed(sha: sha))
        }
    }

    /// Pushes when the branch is ahead of what the remote last had. Returns false when the push
    /// was rejected because the remote moved (the caller fetches and re-applies); never forces.
    private func pushIfAhead(attempt: Int) async throws(StateStoreError) -> Bool {
        let branch = configuration.branch
        guard let head = try await revParse("HEAD") else { return true }
        let remote = try await revParse("refs/remotes/origin/\(branch)")
        if remote == head { return true }
        let output = try await run(["push", "--porcelain", "origin", "HEAD:refs/heads/\(branch)"], network: true)
        if output.exitCode == 0 && !output.timedOut {
            _ = try await git(network: false, "update-ref", "refs/remotes/origin/\(branch)", head)
            await configuration.phaseObserver?(.pushed(sha: head))
            return true
        }
        let text = output.stdoutText + "\n" + output.stderrText
        let rejectionMarkers = ["[rejected]", "non-fast-forward", "fetch first", "failed to update ref",
                                "cannot lock ref", "stale info", "[remote rejected]"]
        if !output.timedOut && rejectionMarkers.contains(where: text.contains) && !GitRepository.isAuthFailure(text) {
            return false
        }
        throw classify(["push", "origin", branch], output)
    }

    // MARK: Clone, fetch, reset

    /// Opens (or creates) the clone: takes the cross-process lock on the cache directory, removes
    /// lock files a killed `git` left behind, and sets up credentials.
    private func prepare() async throws(StateStoreError) {
        if prepared { return }
        let fm = FileManager.default
        do {
            try fm.createDirectory(atPath: root, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            try fm.createDirectory(atPath: authDir, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw StateStoreError(.io(path: root, detail: "cannot create the cache directory: \(error)"))
        }
        if lockFD < 0 {
            let fd = open(root + "/lock", O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
            guard fd >= 0 else { throw StateStoreError(.io(path: root + "/lock", detail: "cannot open the lock file")) }
            guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
                close(fd)
                throw StateStoreError(.io(path: root, detail: "the clone is in use by another process; give each process its own cache directory"))
            }
            lockFD = fd
        }
        try await setUpCredentials()
        var reuse = false
        if fm.fileExists(atPath: repoDir + "/.git") {
            let url = try? await git(network: false, "config", "--get", "remote.origin.url")
            reuse = url?.stdoutText.trimmingCharacters(in: .whitespacesAndNewlines) == configuration.url
        }
        if reuse {
            // A killed git leaves these behind; we hold the directory lock, so no live git owns them.
            for lock in ["index.lock", "HEAD.lock", "shallow.lock", "refs/heads/\(configuration.branch).lock",
                         "refs/remotes/origin/\(configuration.branch).lock"] {
                try? fm.removeItem(atPath: repoDir + "/.git/" + lock)
            }
        } else {
            try? fm.removeItem(atPath: repoDir)
            do {
                try fm.createDirectory(atPath: repoDir, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            } catch {
                throw StateStoreError(.io(path: repoDir, detail: "\(error)"))
            }
            _ = try await git(network: false, "init", "--quiet")
            _ = try await git(network: false, "remote", "add", "origin", configuration.url)
        }
        prepared = true
        lastFetch = nil
    }

    private func remoteBranchExists() async throws(StateStoreError) -> Bool {
        try await revParse("refs/remotes/origin/\(configuration.branch)") != nil
    }

    /// Upstream's Reset: fetch the branch when the minimum interval has passed (or when forced),
    /// then hard-reset the working tree to it and remove anything untracked. A branch the remote
    /// does not have yet starts from the remote's default branch, or empty.
    private func sync(forceFetch: Bool) async throws(StateStoreError) {
        let branch = configuration.branch
        let due = lastFetch.map { ContinuousClock.now - $0 >= configuration.minimumFetchInterval } ?? true
        if forceFetch || due {
            let fetch = try await run(["fetch", "--depth=1", "--no-tags", "--force", "--prune", "origin",
                                       "+refs/heads/\(branch):refs/remotes/origin/\(branch)"], network: true)
            if fetch.exitCode != 0 || fetch.timedOut {
                guard !fetch.timedOut, fetch.stderrText.contains("couldn't find remote ref") else {
                    throw classify(["fetch", "origin", branch], fetch)
                }
                _ = try? await git(network: false, "update-ref", "-d", "refs/remotes/origin/\(branch)")
                let base = try await run(["fetch", "--depth=1", "--no-tags", "--force", "origin", "+HEAD:refs/kratix/base"], network: true)
                if base.exitCode != 0 {
                    _ = try? await git(network: false, "update-ref", "-d", "refs/kratix/base")
                }
            } else {
                _ = try? await git(network: false, "update-ref", "-d", "refs/kratix/base")
            }
            lastFetch = ContinuousClock.now
        }
        _ = try await git(network: false, "symbolic-ref", "HEAD", "refs/heads/\(branch)")
        var base = try await revParse("refs/remotes/origin/\(branch)")
        if base == nil { base = try await revParse("refs/kratix/base") }
        if let base {
            _ = try await git(network: false, "reset", "--quiet", "--hard", base)
        } else {
            _ = try? await git(network: false, "update-ref", "-d", "refs/heads/\(branch)")
            _ = try await git(network: false, "read-tree", "--empty")
        }
        _ = try await git(network: false, "clean", "-ffdxq")
    }

    private func revParse(_ ref: String) async throws(StateStoreError) -> String? {
        let out = try await run(["rev-parse", "--verify", "--quiet", ref + "^{commit}"], network: false)
        guard out.exitCode == 0 else { return nil }
        let sha = out.stdoutText.trimmingCharacters(in: .whitespacesAndNewlines)
        return sha.isEmpty ? nil : sha
    }

    // MARK: Running git

    /// The environment every `git` runs with: no user or system config, no prompts, no hooks,
    /// English messages (errors are classified by text), literal pathspecs.
    private func setUpCredentials() async throws(StateStoreError) {
        let inherited = ProcessInfo.processInfo.environment
        var env: [String: String] = [
            "PATH": inherited["PATH"] ?? "/usr/local/bin:/usr/bin:/bin",
            "HOME": "/dev/null",
            "GIT_CONFIG_NOSYSTEM": "1",
            "GIT_CONFIG_GLOBAL": "/dev/null",
            "GIT_TERMINAL_PROMPT": "0",
            "GIT_ASKPASS": "true",
            "SSH_ASKPASS": "true",
            "GIT_LFS_SKIP_SMUDGE": "1",
            "GIT_LITERAL_PATHSPECS": "1",
            "LC_ALL": "C",
            "LANG": "C",
            "GIT_AUTHOR_NAME": configuration.authorName,
            "GIT_AUTHOR_EMAIL": configuration.authorEmail,
            "GIT_COMMITTER_NAME": configuration.authorName,
            "GIT_COMMITTER_EMAIL": configuration.authorEmail,
        ]
        if !configuration.verifyTLS { env["GIT_SSL_NO_VERIFY"] = "true" }
        var secrets: [String] = []
        switch configuration.authentication {
        case .none:
            break
        case .basic(let username, let password):
            let header = basicHeader(username: username, password: password)
            env["KRATIX_GIT_AUTH_HEADER"] = header
            secrets += [password, String(header.dropFirst("Authorization: Basic ".count))]
        case .gitHubApp:
            break // set per network command: the token may be refreshed
        case .ssh(let privateKey, let knownHosts):
            let keyFile = authDir + "/id"
            let knownHostsFile = authDir + "/known_hosts"
            var key = privateKey
            if !key.hasSuffix("\n") { key += "\n" }
            guard FileManager.default.createFile(atPath: keyFile, contents: Data(key.utf8), attributes: [.posixPermissions: 0o600]) else {
                throw StateStoreError(.io(path: keyFile, detail: "cannot write the SSH key"))
            }
            _ = chmod(keyFile, 0o600)
            var options = "-o IdentitiesOnly=yes -o BatchMode=yes -o GlobalKnownHostsFile=/dev/null -o LogLevel=ERROR"
            if let knownHosts {
                _ = FileManager.default.createFile(atPath: knownHostsFile, contents: Data(knownHosts.utf8), attributes: [.posixPermissions: 0o600])
                options += " -o UserKnownHostsFile='\(knownHostsFile)' -o StrictHostKeyChecking=yes"
            } else {
                options += " -o UserKnownHostsFile=/dev/null -o StrictHostKeyChecking=no"
            }
            env["GIT_SSH_COMMAND"] = "ssh -F /dev/null -i '\(keyFile)' \(options)"
            env["GIT_SSH_VARIANT"] = "ssh"
        }
        environment = env
        self.secrets = secrets.filter { !$0.isEmpty }
    }

    private func basicHeader(username: String, password: String) -> String {
        "Authorization: Basic " + Data("\(username):\(password)".utf8).base64EncodedString()
    }

    /// Runs git and throws a classified error on failure.
    @discardableResult
    private func git(network: Bool, _ arguments: String...) async throws(StateStoreError) -> ChildProcess.Output {
        try await git(network: network, arguments)
    }

    @discardableResult
    private func git(network: Bool, _ arguments: [String], input: [UInt8]? = nil) async throws(StateStoreError) -> ChildProcess.Output {
        let out = try await run(arguments, network: network, input: input)
        if out.exitCode != 0 || out.timedOut { throw classify(arguments, out) }
        return out
    }

    /// Runs git in the clone. Credentials go in the environment only: the Authorization header is
    /// referenced by name through `--config-env`, so it never appears in the argument list.
    private func run(_ arguments: [String], network: Bool, input: [UInt8]? = nil) async throws(StateStoreError) -> ChildProcess.Output {
        var env = environment
        var prefix = ["-c", "core.hooksPath=/dev/null", "-c", "commit.gpgSign=false", "-c", "credential.helper=",
                      "-c", "gc.auto=0", "-c", "advice.detachedHead=false"]
        if network {
            if let tokenSource {
                let token = try await tokenSource.token()
                env["KRATIX_GIT_AUTH_HEADER"] = basicHeader(username: "x-access-token", password: token)
                if !secrets.contains(token) { secrets.append(token) }
            }
            if env["KRATIX_GIT_AUTH_HEADER"] != nil {
                prefix += ["--config-env=http.extraHeader=KRATIX_GIT_AUTH_HEADER"]
            }
        }
        do {
            return try await ChildProcess.run(git, ["-C", repoDir] + prefix + arguments, environment: env,
                                              timeout: configuration.commandTimeout, input: input)
        } catch {
            throw StateStoreError(.io(path: git, detail: "cannot run git: \(error)"))
        }
    }

    static func isAuthFailure(_ text: String) -> Bool {
        let markers = ["Authentication failed", "could not read Username", "could not read Password",
                       "terminal prompts disabled", "returned error: 401", "returned error: 403",
                       "Permission denied (publickey", "Host key verification failed", "HTTP Basic: Access denied",
                       "Invalid username or password", "Permission to ", "denied to "]
        return markers.contains(where: text.contains)
    }

    /// Turns a failed command into an error a user can act on, with credentials removed.
    private func classify(_ arguments: [String], _ output: ChildProcess.Output) -> StateStoreError {
        let command = arguments.prefix(1).joined()
        if output.timedOut {
            return StateStoreError(.timedOut(command: command, seconds: Double(configuration.commandTimeout.components.seconds)))
        }
        let text = redact(output.stderrText.isEmpty ? output.stdoutText : output.stderrText)
        let detail = text.split(separator: "\n").filter { !$0.hasPrefix("hint:") }.suffix(4)
            .joined(separator: "; ").trimmingCharacters(in: .whitespaces)
        if GitRepository.isAuthFailure(text) {
            return StateStoreError(.authenticationFailed(target: redact(configuration.url), detail: detail))
        }
        return StateStoreError(.gitFailed(command: command, exitCode: output.exitCode, output: detail))
    }

    private func redact(_ text: String) -> String {
        var out = text
        for secret in secrets { out = out.replacingOccurrences(of: secret, with: "<redacted>") }
        // user:password@ in URLs.
        if let regex = try? NSRegularExpression(pattern: "(://[^/@\\s:]*):[^/@\\s]*@") {
            out = regex.stringByReplacingMatches(in: out, range: NSRange(out.startIndex..., in: out), withTemplate: "$1:<redacted>@")
        }
        return out
    }
}

extension Array {
    func chunked(into size: Int) -> [[Element]] {
        stride(from: 0, to: count, by: size).map { Array(self[$0 ..< Swift.min($0 + size, count)]) }
    }
}
