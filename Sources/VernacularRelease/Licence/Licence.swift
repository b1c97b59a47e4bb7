import Foundation

/// A licence as the Hub names it (lower-case SPDX-style ids: `cc-by-4.0`, `apache-2.0`), with the
/// terms that decide whether material under it may be released under another licence.
public struct Licence: Sendable, Equatable, Hashable, CustomStringConvertible {
    /// The Hub's id, the value of a card's `license:` field.
    public let id: String
    /// Credit to the authors must travel with the material (CC BY, MIT, Apache, ODC-By...).
    public let requiresAttribution: Bool
    /// Derivatives must carry the same licence: the ShareAlike family name (`cc-by-sa`,
    /// `cc-by-nc-sa`, `odbl`, `gfdl`), nil when there is none.
    public let shareAlike: String?
    /// Use for commercial purposes is not allowed.
    public let nonCommercial: Bool
    /// Changed versions may not be shared: cleaning and filtering text changes it.
    public let noDerivatives: Bool
    /// Creative Commons version (4.0, 3.0...), for ShareAlike's "this version or later".
    public let version: Double?

    public var description: String { id }

    /// Licences whose terms vern knows, by Hub id.
    public static let known: [String: Licence] = {
        var table: [String: Licence] = [:]
        func add(_ id: String, attribution: Bool = true, shareAlike: String? = nil, nonCommercial: Bool = false,
                 noDerivatives: Bool = false, version: Double? = nil) {
            table[id] = Licence(id: id, requiresAttribution: attribution, shareAlike: shareAlike, nonCommercial: nonCommercial,
                                noDerivatives: noDerivatives, version: version)
        }
        add("cc0-1.0", attribution: false)
        add("pddl", attribution: false)
        add("unlicense", attribution: false)
        for version in ["2.0", "2.5", "3.0", "4.0"] {
            let number = Double(version)
            add("cc-by-\(version)", version: number)
            add("cc-by-sa-\(version)", shareAlike: "cc-by-sa", version: number)
            add("cc-by-nc-\(version)", nonCommercial: true, version: number)
            add("cc-by-nc-sa-\(version)", shareAlike: "cc-by-nc-sa", nonCommercial: true, version: number)
            add("cc-by-nd-\(version)", noDerivatives: true, version: number)
            add("cc-by-nc-nd-\(version)", nonCommercial: true, noDerivatives: true, version: number)
        }
        for id in ["mit", "apache-2.0", "bsd-2-clause", "bsd-3-clause", "odc-by", "cdla-permissive-2.0"] { add(id) }
        add("odbl", shareAlike: "odbl")
        add("gfdl", shareAlike: "gfdl")
        // Google's Gemma terms: use restrictions pass on to derivatives, like a ShareAlike clause.
        add("gemma", shareAlike: "gemma")
        return table
    }()

    /// The licence a written name stands for: Hub ids as they are, and the ways people write
    /// them in metadata ("CC BY 4.0", "CC-BY-SA-4.0", "Apache 2.0"). Nil for a name vern does not know.
    public init?(_ written: String) {
        var name = written.trimmingCharacters(in: .whitespaces).lowercased()
        name = name.replacingOccurrences(of: " ", with: "-").replacingOccurrences(of: "_", with: "-")
        let aliases = ["apache-license-2.0": "apache-2.0", "apache2": "apache-2.0", "cc0": "cc0-1.0",
                       "public-domain": "pddl", "mit-license": "mit"]
        name = aliases[name] ?? name
        guard let licence = Self.known[name] else { return nil }
        self = licence
    }

    private init(id: String, requiresAttribution: Bool, shareAlike: String?, nonCommercial: Bool, noDerivatives: Bool,
                 version: Double?) {
        self.id = id
        self.requiresAttribution = requiresAttribution
        self.shareAlike = shareAlike
        self.nonCommercial = nonCommercial
        self.noDerivatives = noDerivatives
        self.version = version
    }

    /// Why material under `self` may not be released under `release`, or nil when it may.
    public func conflict(releasingUnder release: Licence) -> String? {
        if self == release { return nil }
        if noDerivatives { return "\(id) allows no changed versions, and the pipeline changes the text" }
        if nonCommercial && !release.nonCommercial {
            return "\(id) forbids commercial use, which \(release.id) allows"
        }
        if let family = shareAlike {
            guard release.shareAlike == family else { return "\(id) requires derivatives under \(family), not \(release.id)" }
            if let mine = version, let theirs = release.version, theirs < mine {
                return "\(id) requires version \(mine) or later, not \(release.id)"
            }
        }
        if requiresAttribution && !release.requiresAttribution {
            return "\(id) requires attribution, which \(release.id) does not carry on"
        }
        return nil
    }
}
