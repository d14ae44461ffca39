/// The README kratix-cli templates for every `init` command (`templates/promise/README.md.tpl`),
/// rendered as Go's text/template renders it: `init promise`, helm and tf write it as it is; operator,
/// crossplane and pulumi marshal it as a YAML string first (R3, ``GoYAML/marshal(string:)``).
public struct PromiseReadme: Sendable, Equatable {
    public var subCommand: String
    public var name: String
    /// The command's own flags, as the README's command line shows them (R4).
    public var extraFlags: String
    public var group: String
    public var kind: String

    public init(subCommand: String, name: String, extraFlags: String, group: String, kind: String) {
        self.subCommand = subCommand
        self.name = name
        self.extraFlags = extraFlags
        self.group = group
        self.kind = kind
    }

    /// The markdown (`init promise`, helm, operator, crossplane; pulumi writes the README of its
    /// reference output, an older template, itself).
    public static func render(subCommand: String, name: String, extraFlags: String, group: String, kind: String) -> String {
        PromiseReadme(subCommand: subCommand, name: name, extraFlags: extraFlags, group: group, kind: kind).text
    }

    /// The markdown. Upstream's template has a section only for pulumi, whose README this type
    /// does not write.
    public var text: String { head + tail }

    private var head: String {
        #"""
        # Promise Template

        This Promise was generated with:

        ```bash
        kratix init \#(subCommand) \#(name) \#(extraFlags) --group \#(group) --kind \#(kind)
        ```

        ## Updating API properties

        To update the Promise API, you can use the `kratix update api` command:

        ```bash
        kratix update api --property name:string --property region- --kind \#(kind)
        ```

        ## Updating Workflows

        To add workflow containers, you can use the `kratix add container` command:

        ```bash
        kratix add container resource/configure/pipeline0 --image syntasso/postgres-resource:v1.0.0
        ```

        ### Building containers

        After editing a container's scripts, build and push the image with `kratix build container`:

        ```bash
        # build a specific container
        kratix build container resource/configure/pipeline0 --name syntasso-postgres-resource

        # build all containers across all workflows
        kratix build container --all
        ```
        """#
    }

    private var tail: String {
        #"""



        ## Updating Dependencies

        To add dependencies to the Promise, via a `promise.configure` workflows or the `spec.dependencies` key, you can use the `kratix update dependencies` command:

        ```bash
        kratix update dependencies /dependencies-path
        ```

        ## Updating Destination Selectors

        To update the Destination Selectors in the Promise Spec, can use the `kratix update destination-selector` flag:

        ```bash
        kratix update destination-selector env=dev
        ```

        """#
    }
}
