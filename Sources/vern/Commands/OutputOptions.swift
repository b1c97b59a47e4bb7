import ArgumentParser

/// How a long-running command reports: progress on standard error, results on standard output.
struct OutputOptions: ParsableArguments {
    @Flag(name: .shortAndLong, help: "No progress output.")
    var quiet = false

    @Flag(help: "Print the result as one JSON object on standard output (implies no live progress line).")
    var json = false
}
