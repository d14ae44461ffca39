import ArgumentParser
import Foundation
import KratixAuthoring

/// `kratix pulumi-generator program|stack`: the two entrypoints of upstream's pulumi-generator
/// image (`/pulumi-program-generator`, `/pulumi-stack-generator`).
struct PulumiGeneratorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pulumi-generator",
        abstract: "The Pulumi pipeline stage: a request becomes a PKO Program and Stack.",
        subcommands: [Program.self, Stack.self])

    struct Program: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "program",
            abstract: "Write the PKO Program (PULUMI_COMPONENT_TOKEN, PULUMI_SCHEMA_SOURCE; KRATIX_INPUT_FILE, KRATIX_OUTPUT_FILE).")

        func run() async throws {
            do {
                try await PulumiGeneratorStage.program(environment: ProcessInfo.processInfo.environment)
            } catch {
                StageFailure.exit(error.description)
            }
        }
    }

    struct Stack: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "stack",
            abstract: "Write the PKO Stack (PULUMI_COMPONENT_TOKEN, PULUMI_STACK_ACCESS_TOKEN_SECRET_NAME/_KEY).")

        func run() async throws {
            do {
                try PulumiGeneratorStage.stack(environment: ProcessInfo.processInfo.environment)
            } catch {
                StageFailure.exit(error.description)
            }
        }
    }
}

/// A stage that fails logs the reason as Go's `log.Fatalf` does and exits 1.
enum StageFailure {
    static func exit(_ message: String) -> Never {
        StageLog().log("failed: \(message)")
        StageLog().log(message)
        Foundation.exit(1)
    }
}
