/// WorkPlacement names (spec §3.1). Names are how a rescheduling pass finds the placement it made
/// before, and upstream objects already carry them, so they are built bit for bit as upstream does.
public enum WorkPlacementNaming {
    /// MD5 of `"."`: the id of every Work's root workload group.
    public static let rootGroupID = "5058f1af8388633f609cadb75a75dc9d"

    /// The first five characters of a workload group id (the whole id if it is shorter).
    public static func shortID(_ groupID: String) -> String {
        String(groupID.prefix(5))
    }

    /// `<work name>.<destination name>-<first 5 chars of the group id>`.
    public static func name(work: String, destination: String, groupID: String) -> String {
        "\(work).\(destination)-\(shortID(groupID))"
    }
}
