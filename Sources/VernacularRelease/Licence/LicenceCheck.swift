/// One source's licence against the release's: the reason it may not go out, if any.
public struct LicenceProblem: Sendable, Equatable, CustomStringConvertible {
    public let source: String
    /// The licence as the source recorded it; nil when it recorded none.
    public let recorded: String?
    public let reason: String

    public var description: String { "\(source) (\(recorded ?? "no licence recorded")): \(reason)" }
}

/// Checks every source's licence against the licence chosen for a release.
public enum LicenceCheck {
    /// The problems, in source order. A source with no licence, or one vern does not know, is a
    /// problem: nobody has said the release may use it.
    public static func problems(sources: [DatasetSource], releasingUnder release: Licence) -> [LicenceProblem] {
        sources.compactMap { source in
            guard let written = source.licence else {
                return LicenceProblem(source: source.name, recorded: nil,
                                      reason: "no licence recorded (ingest with --license ID, or give --source-license \(source.name)=ID)")
            }
            guard let licence = Licence(written) else {
                return LicenceProblem(source: source.name, recorded: written, reason: "not a licence id vern knows the terms of")
            }
            return licence.conflict(releasingUnder: release).map {
                LicenceProblem(source: source.name, recorded: written, reason: $0)
            }
        }
    }

    /// Throws naming every problem unless `allowConflicts`; returns the problems so the card can list them.
    public static func enforce(sources: [DatasetSource], releasingUnder release: Licence,
                               allowConflicts: Bool, runFolder: String) throws -> [LicenceProblem] {
        let found = problems(sources: sources, releasingUnder: release)
        if !found.isEmpty && !allowConflicts {
            let lines = found.map { "  - \($0)" }.joined(separator: "\n")
            throw ReleaseError(path: runFolder, message: """
                cannot release under \(release.id): \(found.count) source(s) do not allow it:
                \(lines)
                Fix the sources' licences, choose another --license, or pass --allow-licence-conflicts to release anyway (the card lists the conflicts).
                """)
        }
        return found
    }
}
