import ArgumentParser
import Foundation
import VernacularCore

extension Vern {
    struct Init: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write a commented example pipeline for a Cantonese corpus.")

        @Argument(help: "Where to write the pipeline file.")
        var path = "pipeline.yaml"

        @Flag(help: "Overwrite an existing file.")
        var force = false

        func run() throws {
            if FileSystem.exists(path), !force {
                throw ValidationError("\(path) exists; pass --force to overwrite it")
            }
            try Data(ExamplePipeline.cantonese.utf8).write(to: URL(fileURLWithPath: path))
            print("Wrote \(path). Edit 'input.paths', then: vern run \(path)")
        }
    }
}

/// The pipeline `vern init` writes. Every key is shown with its default and why.
enum ExamplePipeline {
    static let cantonese = """
        # A Vernacular pipeline: read documents, run stages over each shard, write the survivors.
        # Paths are relative to this file's folder. Run it with: vern run pipeline.yaml
        # Running it again resumes: shards already finished (see OUTPUT/markers/) are skipped.

        input:
          # JSON Lines files (.jsonl, .jsonl.gz, .jsonl.zst), globs or folders.
          paths: [corpus/*.jsonl.zst]
          text_field: text        # the field holding the text
          id_field: id            # records without one get "<file>:<line>"
          shard_size_mb: 64       # plain files bigger than this are split so every core has work

        output:
          dir: out/cantonese      # documents/, markers/, stats.json, manifest.json
          compression: zst        # zst (default: fast, small), gz, or none
          keep_dropped: true      # keep dropped documents with their reason under dropped/

        workers: 0                # 0: one worker per core
        on_error: fail            # fail: stop at the first bad record, naming file and line
                                  # skip: count it, copy it to quarantine/, and go on

        stages:
          # Unicode and whitespace clean-up, safe for Han text.
          - normalize:
              unicode: nfc                  # nfkc would turn full-width CJK punctuation into ASCII
              fullwidth_alphanumerics: true # Ａ１ -> A1
              fullwidth_punctuation: false  # keep ，。？ as Cantonese writing uses them
              remove_invisible: true        # control and zero-width characters (ZWJ stays for emoji)
              collapse_whitespace: true
              drop_empty: true
              opencc: s2t                   # Simplified documents to Traditional; Traditional stays
                                            # as written (s2hk/t2hk: Hong Kong variant forms)

          # Cantonese vs Standard Written Chinese (SWC), English and code-mixing, sentence by
          # sentence. Headings, infobox and table lines, names and numbers are `neutral`: they
          # count neither way, so a Cantonese wiki article is judged by its prose.
          - langid:
              keep: [yue, mixed]            # add neutral to keep documents with no language signal
              min_share: 0.5                # least share of Han characters in Cantonese sentences
              mode: document                # sentences: keep only the Cantonese sentences
              pack: langs/yue.yaml          # looked up here, then in the checkout vern was built in

        """
}
