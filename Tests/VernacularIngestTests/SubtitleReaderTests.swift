import Testing
import VernacularCore
@testable import VernacularIngest

@Suite struct SubtitleReaderTests {
    @Test func srtStylingIsStrippedAndDialogueGroupedByGaps() throws {
        let srt = """
            1
            00:00:01,000 --> 00:00:02,500
            <i>你今日去咗邊度呀？</i>

            2
            00:00:03,000 --> 00:00:05,000
            {\\an8}我去咗<font color="#ffff00">旺角</font>
            買嘢食

            3
            00:00:05,200 --> 00:00:06,000
            - 買咗乜嘢？
            - 魚蛋同燒賣。

            4
            00:00:06,100 --> 00:00:07,000
            - 魚蛋同燒賣。

            5
            00:00:30,000 --> 00:00:32,000
            [音樂]

            6
            00:00:40,000 --> 00:00:42,000
            第二場戲開始。

            7
            00:01:00,000 --> 00:01:02,000
            字幕翻譯：某某字幕組
            """
        let folder = try TemporaryFolder()
        let file = try folder.write("戲.srt", srt)
        let (documents, report) = try SubtitleReader().documents(file: file)
        #expect(documents.map(\.text) == [
            "你今日去咗邊度呀？\n我去咗旺角 買嘢食\n買咗乜嘢？\n魚蛋同燒賣。",
            "第二場戲開始。",
        ])
        #expect(documents[0].meta["cues"] == JSONValue(3))
        #expect(documents[0].meta["start_seconds"] == JSONValue(1))
        #expect(report.counters["subtitle_credit_lines"] == 1)
        #expect(report.counters["subtitle_sound_lines"] == 1)
        #expect(report.counters["subtitle_repeated_lines"] == 1)
    }

    @Test func brokenTimestampIsACountedSkipNamingTheLine() throws {
        let srt = """
            1
            00:00:01,000 --> 00:00:02,000
            第一句。

            2
            00:00:0x,000 --> 00:00:04,000
            壞時間。

            3
            00:00:05,000 --> 00:00:04,000
            倒轉時間。

            4
            00:00:06,000 --> 00:00:07,000
            第四句。
            """
        let folder = try TemporaryFolder()
        let file = try folder.write("broken.srt", srt)
        let (documents, report) = try SubtitleReader().documents(file: file, policy: .skip)
        #expect(documents.map(\.text) == ["第一句。\n第四句。"])
        #expect(report.problems.map(\.line) == [6, 10])
        #expect(report.problems[0].description.contains("broken.srt:6: unreadable timing"))
        #expect(throws: InputProblem.self) { try SubtitleReader().documents(file: file, policy: .fail) }
    }

    @Test func webVTTVoicesBecomeSpeakers() throws {
        let vtt = """
            WEBVTT

            NOTE 呢個係註釋

            intro
            00:01.000 --> 00:02.000 align:start position:10%
            <v 阿明>早晨！<c.loud>食咗飯未</c>？</v>

            00:02.500 --> 00:04.000
            <v.warm 阿芳>食咗喇，<ruby>多謝<rt>do1 ze6</rt></ruby>。
            """
        let folder = try TemporaryFolder()
        let file = try folder.write("對話.vtt", vtt)
        let (documents, _) = try SubtitleReader().documents(file: file)
        #expect(documents.map(\.text) == ["阿明：早晨！食咗飯未？\n阿芳：食咗喇，多謝。"])
        #expect(documents[0].meta["speakers"] == .array([.string("阿明"), .string("阿芳")]))
    }

    @Test func assOverrideTagsDrawingsAndNames() throws {
        let ass = """
            [Script Info]
            Title: 測試
            ScriptType: v4.00+

            [V4+ Styles]
            Format: Name, Fontname, Fontsize
            Style: Default,Arial,20

            [Events]
            Format: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text
            Dialogue: 0,0:00:01.00,0:00:03.00,Default,陳生,0,0,0,,{\\an8\\i1}你好，{\\i0}今日幾好天。
            Comment: 0,0:00:02.00,0:00:03.00,Default,,0,0,0,,唔好顯示
            Dialogue: 0,0:00:03.50,0:00:05.00,Default,李太,0,0,0,,係呀，\\N出去行下啦。
            Dialogue: 0,0:00:05.00,0:00:06.00,Sign,,0,0,0,,{\\p1}m 0 0 l 100 0 100 100{\\p0}
            Dialogue: 0,0:00:0A.00,0:00:07.00,Default,,0,0,0,,壞時間
            """
        let folder = try TemporaryFolder()
        let file = try folder.write("劇.ass", ass)
        let (documents, report) = try SubtitleReader().documents(file: file, policy: .skip)
        #expect(documents.map(\.text) == ["陳生：你好，今日幾好天。\n李太：係呀， 出去行下啦。"])
        #expect(report.problems.map(\.line) == [15])
    }

    @Test func big5SubtitlesAreDecoded() throws {
        let srt = "1\r\n00:00:01,000 --> 00:00:02,000\r\n佢哋喺度食緊飯。\r\n"
        let folder = try TemporaryFolder()
        let big5 = try pipe(Array(srt.utf8), through: "/usr/bin/iconv", ["-f", "UTF-8", "-t", "BIG5-HKSCS"])
        let file = try folder.write("big5.srt", big5)
        let (documents, report) = try SubtitleReader().documents(file: file)
        #expect(documents.map(\.text) == ["佢哋喺度食緊飯。"])
        #expect(report.decoding.first?.encoding == .big5HKSCS)
    }

    /// One run over a folder where one file has broken timestamps, one is Big5 with invalid
    /// bytes, one is not text at all and one is clean: every readable cue of every file is in
    /// the output, and each problem is counted and named.
    @Test func aRunKeepsEveryReadableFileAndNamesEachProblem() throws {
        let folder = try TemporaryFolder()
        try folder.write("a-broken.srt", "1\n00:00:01,000 --> 00:00:02,000\n第一句。\n\n2\n00:00:0x,000 --> 00:00:04,000\n壞時間。\n\n"
                         + "3\n00:00:05,000 --> 00:00:06,000\n第三句。\n")
        var big5 = try pipe(Array("1\r\n00:00:01,000 --> 00:00:02,000\r\n佢哋喺度食緊飯。\r\n".utf8),
                            through: "/usr/bin/iconv", ["-f", "UTF-8", "-t", "BIG5-HKSCS"])
        // A lead byte followed by a byte no Big5 trail can be, inside the cue text.
        big5.insert(contentsOf: [0xA4, 0x0A], at: big5.count - 2)
        try folder.write("b-big5.srt", big5)
        // A video saved under a subtitle name: binary, with NUL bytes.
        try folder.write("c-video.srt", (0..<4096).map { UInt8(truncatingIfNeeded: $0 &* 31) })
        try folder.write("d-clean.vtt", "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n<v 阿明>早晨。\n")
        let writer = try DocumentShardWriter(folder: folder.path + "/out", compression: .none)
        let report = try IngestRun(reader: SubtitleReader(), policy: .skip).run(inputs: [folder.path], writer: writer)
        try writer.finish()
        let written = try DocumentReading.readAll(path: writer.files[0])
        #expect(written.map(\.text) == ["第一句。\n第三句。", "佢哋喺度食緊飯。\u{FFFD}", "阿明：早晨。"])
        #expect(report.counters["subtitle_cues_unreadable"] == 1)
        #expect(report.counters["files_failed"] == 1)
        #expect(report.problems.contains { $0.description.contains("a-broken.srt:6: unreadable timing") })
        #expect(report.problems.contains { $0.file.hasSuffix("c-video.srt") && $0.message.contains("binary") })
        #expect(report.decoding.contains { $0.file.hasSuffix("b-big5.srt") && $0.encoding == .big5HKSCS && $0.invalidSequences == 1 })
    }

    @Test func aFileTooLargeToReadWholeIsAClearError() throws {
        let folder = try TemporaryFolder()
        let cue = "1\n00:00:01,000 --> 00:00:02,000\n一句。\n\n"
        let file = try folder.write("long.srt", String(repeating: cue, count: 2000))
        #expect(throws: IOError.self) { try DecodedText(path: file, maximumBytes: 1 << 16) }
        do {
            _ = try DecodedText(path: file, maximumBytes: 1 << 16)
        } catch let error as IOError {
            #expect(error.description.contains("long.srt"))
            #expect(error.message.contains("larger than"))
        }
        #expect(try DecodedText(path: file).text.hasPrefix("1\n00:00:01,000"))
    }
}
