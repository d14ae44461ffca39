/// The README of upstream's `templates/promise/README.md.tpl` for the commands that render it as
/// plain markdown (`init promise`, `init helm-promise`); the Pulumi section is not part of it.
enum PromiseReadme {
    static func render(subCommand: String, name: String, extraFlags: String, group: String, kind: String) -> String {
        """
        # Promise Template

        This Promise was generated with:

        ```bash
        kratix init \(subCommand) \(name) \(extraFlags) --group \(group) --kind \(kind)
        ```

        ## Updating API properties

        To update the Promise API, you can use the `kratix update api` command:

        ```bash
        kratix update api --property name:string --property region- --kind \(kind)
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

        """
    }
}
