/// The container scaffold `add container` writes, verbatim from kratix-cli's
/// `templates/workflows/<language>/` (they hold no template actions).
enum ContainerTemplates {
    static let bashDockerfile = #"""
        FROM "alpine"

        RUN apk update && apk add --no-cache yq

        ADD scripts/pipeline.sh /usr/bin/pipeline.sh
        ADD resources resources

        RUN chmod +x /usr/bin/pipeline.sh

        CMD [ "sh", "-c", "pipeline.sh" ]
        ENTRYPOINT []

        """#

    static let bashScript = #"""
        #!/usr/bin/env sh

        set -xe

        name="$(yq eval '.metadata.name' /kratix/input/object.yaml)"
        namespace=$(yq '.metadata.namespace' /kratix/input/object.yaml)

        echo "Hello from ${name} ${namespace}"

        """#

    static let goDockerfile = #"""
        FROM golang:latest

        WORKDIR /scripts

        COPY scripts/go.mod scripts/go.sum scripts/pipeline.go ./

        RUN go mod download

        ADD resources resources

        RUN go build -a -o /usr/bin/pipeline.go pipeline.go

        CMD [ "sh", "-c", "pipeline.go" ]

        ENTRYPOINT []
        """#

    static let goScript = #"""
        package main

        import (
        	"fmt"

        	kratix "github.com/syntasso/kratix-go"
        )

        func main() {
        	sdk := kratix.New()
        	if sdk.IsPromiseWorkflow() {
        		fmt.Printf("Hello from %s", sdk.PromiseName())
        	} else {
        		resource, _ := sdk.ReadResourceInput()
        		fmt.Printf("Hello from %s %s", resource.GetName(), resource.GetNamespace())
        	}
        }

        """#

    static let pythonDockerfile = #"""
        FROM python:3.12-slim

        RUN python -m pip install kratix-sdk

        WORKDIR /app
        COPY scripts/pipeline.py /app/pipeline.py

        ENTRYPOINT ["python", "-u", "/app/pipeline.py"]
        """#

    static let pythonScript = #"""
        import kratix_sdk as ks

        def main():
            sdk = ks.KratixSDK()
            if sdk.is_promise_workflow():
                print(f'Hello from {sdk.promise_name()}')
            else:
                resource = sdk.read_resource_input()
                print(f'Hello from {resource.get_name()} {resource.get_namespace()}')

        if __name__ == '__main__':
            main()
        """#
}
