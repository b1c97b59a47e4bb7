import Foundation

/// What identifies a model's weights for the cache: the resolved path and the size and
/// modification time of its files (a folder: the files in it and one level down), so a retrained
/// run or a replaced file is scored again, while an unchanged one is not.
public enum ModelFingerprint {
    public static func of(path: String) -> String {
        let manager = FileManager.default
        let absolute = URL(fileURLWithPath: path).standardizedFileURL.resolvingSymlinksInPath().path
        var parts = [absolute]
        func add(_ file: String, name: String) {
            guard let attributes = try? manager.attributesOfItem(atPath: file),
                  (attributes[.type] as? FileAttributeType) == .typeRegular else { return }
            let size = (attributes[.size] as? NSNumber)?.int64Value ?? 0
            let time = (attributes[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
            parts.append("\(name):\(size):\(Int64(time * 1000))")
        }
        var isDirectory: ObjCBool = false
        if manager.fileExists(atPath: absolute, isDirectory: &isDirectory), isDirectory.boolValue {
            for name in ((try? manager.contentsOfDirectory(atPath: absolute)) ?? []).sorted() {
                let full = absolute + "/" + name
                add(full, name: name)
                for inner in ((try? manager.contentsOfDirectory(atPath: full)) ?? []).sorted() {
                    add(full + "/" + inner, name: name + "/" + inner)
                }
            }
        } else {
            add(absolute, name: (absolute as NSString).lastPathComponent)
        }
        return absolute + "#" + StableHash.hex(parts)
    }
}
