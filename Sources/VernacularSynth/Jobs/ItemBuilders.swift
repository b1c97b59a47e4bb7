import Foundation
import VernacularCore
import VernacularLangID

/// What every job's items share: the model and template they are asked of.
public struct RequestFactory: Sendable {
    public var model: String
    public var template: SynthTemplate

    public init(model: String, template: SynthTemplate) {
        self.model = model
        self.template = template
    }

    func request(_ values: [String: String]) -> ChatRequest {
        ChatRequest(model: model, messages: template.messages(values), parameters: template.sampling)
    }
}

/// Builds the items of each task from its input files, in input order.
public enum ItemBuilders {
    /// translate: each document of the JSON Lines inputs, piece by piece; the source language
    /// of each piece is what the pack's langID says it is (English, or written Chinese).
    public static func translation(inputs: [String], factory: RequestFactory, classifier: LangIDClassifier) throws -> [SynthItem] {
        var items: [SynthItem] = []
        for path in inputs {
            try DocumentReading.forEach(path: path) { document in
                let (parts, pieces) = TranslationLayout.split(document.text, maxCharacters: factory.template.maxInputCharacters)
                guard !pieces.isEmpty else { return }
                let requests = pieces.map { piece in
                    let english = classifier.classify(sentence: piece).label == .en
                    return factory.request(["text": piece, "source_language": english ? "English" : "Standard Written Chinese"])
                }
                items.append(SynthItem(id: document.id, source: document.source, requests: requests,
                                       shape: .translation(original: document, layout: parts)))
            }
        }
        return items
    }

    /// persona: every persona with every topic, each pair writing one kind of text from the
    /// template's list (chosen by a hash of the pair, so the kinds spread evenly and stay put
    /// when lines are added), or every kind with `allKinds`.
    public static func persona(personaFile: String, topicFile: String, factory: RequestFactory, allKinds: Bool) throws -> [SynthItem] {
        let personas = try lines(of: personaFile, field: "persona")
        let topics = try lines(of: topicFile, field: "topic")
        let kinds = factory.template.kinds
        var items: [SynthItem] = []
        for persona in personas {
            for topic in topics {
                let pairHash = SHA256.hex(persona + "\n" + topic)
                let chosen = allKinds ? kinds : [kinds[Int(UInt64(pairHash.prefix(15), radix: 16)! % UInt64(kinds.count))]]
                for kind in chosen {
                    let id = "persona-" + String(SHA256.hex(persona + "\n" + topic + "\n" + kind).prefix(16))
                    items.append(SynthItem(id: id, source: "synth:persona",
                                           requests: [factory.request(["persona": persona, "topic": topic, "kind": kind])],
                                           shape: .persona(persona: persona, topic: topic, kind: kind)))
                }
            }
        }
        return items
    }

    /// instruct: one request per seed document (cut to the template's input limit).
    public static func instruct(inputs: [String], factory: RequestFactory) throws -> [SynthItem] {
        var items: [SynthItem] = []
        for path in inputs {
            try DocumentReading.forEach(path: path) { document in
                let text = document.text.trimmingCharacters(in: .whitespacesAndNewlines)
                guard !text.isEmpty else { return }
                let seed = TranslationLayout.chunks(of: text, maxCharacters: factory.template.maxInputCharacters)[0]
                items.append(SynthItem(id: document.id, source: document.source, requests: [factory.request(["document": seed])],
                                       shape: .instruct(seed: document)))
            }
        }
        return items
    }

    /// Non-empty lines of a text file, or the `field` (or `text`) of each JSON Lines record;
    /// a duplicated entry is an error naming both lines, since it would be asked twice.
    static func lines(of path: String, field: String) throws -> [String] {
        let text: String
        do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
            throw SynthError.badInput(path: path, line: nil, reason: "cannot read: \(error.localizedDescription)")
        }
        var values: [String] = []
        var firstLine: [String: Int] = [:]
        for (offset, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespacesAndNewlines)
            if line.isEmpty || line.hasPrefix("#") { continue }
            var value = line
            if line.hasPrefix("{") {
                guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                      let found = (object[field] ?? object["text"]) as? String else {
                    throw SynthError.badInput(path: path, line: offset + 1, reason: "a JSON record needs a string field '\(field)' or 'text'")
                }
                value = found
            }
            if let earlier = firstLine[value] {
                throw SynthError.badInput(path: path, line: offset + 1, reason: "the same entry as line \(earlier)")
            }
            firstLine[value] = offset + 1
            values.append(value)
        }
        if values.isEmpty { throw SynthError.badInput(path: path, line: nil, reason: "no entries") }
        return values
    }
}
