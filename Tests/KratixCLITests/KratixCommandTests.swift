import Foundation
import Testing

@testable import KratixCLI

@Suite struct KratixCommandTests {
    @Test func helpListsEverySubcommand() async throws {
        let result = try await Support.run(Support.kratixBinary.path, ["--help"])
        #expect(result.status == 0)
        for subcommand in ["version", "manager", "apiserver", "runner", "dev", "pipeline-adapter", "init", "terraform-generate", "helm-resource-configure", "pulumi-generator", "manifests", "validate"] {
            #expect(result.stdout.contains("  \(subcommand) "), "--help does not list \(subcommand)")
        }
    }

    @Test func initHelpListsTheGenerators() async throws {
        let result = try await Support.run(Support.kratixBinary.path, ["init", "--help"])
        #expect(result.status == 0)
        for subcommand in ["tf-module-promise", "helm-promise", "pulumi-component-promise"] {
            // A long name wraps its abstract to the next line.
            let listed = result.stdout.contains("  \(subcommand) ") || result.stdout.contains("  \(subcommand)\n")
            #expect(listed, "init --help does not list \(subcommand)")
        }
    }

    @Test func versionPrintsTheVersion() async throws {
        let result = try await Support.run(Support.kratixBinary.path, ["version"])
        #expect(result.status == 0)
        #expect(result.stdout == "kratix \(KratixVersion.current)\n")
    }

    @Test func invokedAsPipelineAdapterItDispatchesToThatCommand() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("kratix-argv0-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let link = directory.appendingPathComponent("pipeline-adapter")
        try FileManager.default.createSymbolicLink(at: link, withDestinationURL: Support.kratixBinary)
        let result = try await Support.run(link.path, ["--help"])
        #expect(result.status == 0)
        #expect(result.stdout.contains("reader"))
        #expect(result.stdout.contains("work-creator"))
        #expect(result.stdout.contains("update-status"))
    }

    @Test func fixedManagerFlagsParseWithTheirDefaults() async throws {
        let command = try ManagerCommand.parse([])
        #expect(command.metricsBindAddress == ":8080")
        #expect(command.healthProbeBindAddress == ":8081")
        #expect(command.leaderElect == false)
        let apiserver = try APIServerCommand.parse([])
        #expect(apiserver.dataDir == "./.kratix/apiserver")
        #expect(apiserver.port == 6443)
        #expect(apiserver.bindAddress == "127.0.0.1")
        let runner = try RunnerCommand.parse([])
        #expect(runner.parallelism == 4)
        let dev = try DevCommand.parse([])
        #expect(dev.dataDir == "./.kratix/dev")
        #expect(dev.port == 0)
    }

    @Test func managerWithoutAClusterSaysWhereItLooked() async throws {
        let result = try await Support.run("/usr/bin/env", ["-u", "KUBECONFIG", "-u", "KUBERNETES_SERVICE_HOST", "HOME=/nonexistent",
                                                            Support.kratixBinary.path, "manager"])
        #expect(result.status != 0)
        #expect(result.stderr.contains("no configuration found"), "\(result.stderr)")
        #expect(result.stderr.contains("KUBERNETES_SERVICE_HOST"))
    }

    @Test func runnerWithAMissingKubeconfigNamesTheFile() async throws {
        let result = try await Support.run(Support.kratixBinary.path, ["runner", "--kubeconfig", "/nonexistent/kubeconfig"])
        #expect(result.status != 0)
        #expect(result.stderr.contains("/nonexistent/kubeconfig"), "\(result.stderr)")
    }
}
