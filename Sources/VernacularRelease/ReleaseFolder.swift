import VernacularCore

/// Writes a release folder all at once: into `OUTPUT.partial`, renamed over OUTPUT when complete,
/// removed when anything fails, so a reader never finds half a release.
enum ReleaseFolder {
    static func build<T>(_ output: String, _ body: (_ temporary: String) throws -> T) throws -> T {
        let temporary = output + ".partial"
        FileSystem.remove(temporary)
        try FileSystem.makeDirectory(temporary)
        let result: T
        do { result = try body(temporary) } catch {
            FileSystem.remove(temporary)
            throw error
        }
        FileSystem.remove(output)
        try FileSystem.rename(temporary, to: output)
        return result
    }
}
