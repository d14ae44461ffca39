/// Version ids of writes whose status update has not landed yet (spec §7.6).
///
/// A Git write that changed nothing reports no version id, so if the status update after a
/// successful write fails, the retry would otherwise lose the commit SHA. The entry is dropped once
/// a status write succeeds.
actor VersionIDCache {
    private var versions: [String: String] = [:]

    func set(_ version: String, for key: String) {
        versions[key] = version
    }

    func get(_ key: String) -> String? {
        versions[key]
    }

    func remove(_ key: String) {
        versions[key] = nil
    }
}
