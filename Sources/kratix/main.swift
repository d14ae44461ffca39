import KratixCLI

await KratixCommand.main(arguments: CommandLine.arguments)
