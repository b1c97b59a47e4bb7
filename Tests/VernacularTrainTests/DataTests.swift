import Foundation
import Testing
@testable import VernacularTrain

@Suite struct DataTests {
    @Test func rowsOverlapByOneSoEveryTokenIsATargetOnce() {
        let rows = PretrainingData.rows(of: Array(0..<21).map(Int32.init), sequenceLength: 5)
        #expect(rows.map(\.tokens) == [[0, 1, 2, 3, 4, 5], [5, 6, 7, 8, 9, 10], [10, 11, 12, 13, 14, 15], [15, 16, 17, 18, 19, 20]])
        #expect(PretrainingData.rows(of: [1, 2, 3], sequenceLength: 5).isEmpty)
    }

    @Test func batchPlanCoversEveryRowEachEpochAndRepeats() {
        let plan = BatchPlan(rowCount: 10, seed: 42)
        let firstEpoch = plan.rows(from: 0, count: 10)
        #expect(Set(firstEpoch) == Set(0..<10))
        #expect(Set(plan.rows(from: 10, count: 10)) == Set(0..<10))
        #expect(plan.rows(from: 0, count: 10) != plan.rows(from: 10, count: 10), "each epoch has its own order")
        // Any window of the sequence is a function of its position alone.
        #expect(Array(plan.rows(from: 0, count: 25)[7..<19]) == plan.rows(from: 7, count: 12))
        #expect(BatchPlan(rowCount: 10, seed: 43).rows(from: 0, count: 10) != firstEpoch)
    }

    @Test func microBatchPadsAndWeighsTargets() {
        let batch = MicroBatch([TrainingExample(tokens: [5, 6, 7, 8]), TrainingExample(tokens: [1, 2, 3], trained: [false, true])],
                               padding: 0)
        #expect(batch.length == 3)
        #expect(batch.inputs == [5, 6, 7, 1, 2, 0])
        #expect(batch.targets == [6, 7, 8, 2, 3, 0])
        #expect(batch.weights == [1, 1, 1, 0, 1, 0])
        #expect(batch.trainedTargets == 4)
    }

    @Test func learningRateWarmsUpThenDecays() {
        let schedule = LearningRateSchedule(peak: 1e-3, minimum: 1e-4, warmupSteps: 4, totalSteps: 20)
        #expect(schedule.rate(at: 1) == 2.5e-4)
        #expect(schedule.rate(at: 4) == 1e-3)
        #expect(schedule.rate(at: 12) < 1e-3 && schedule.rate(at: 12) > 1e-4)
        #expect(Swift.abs(schedule.rate(at: 20) - 1e-4) < 1e-9)
        #expect(schedule.rate(at: 30) == schedule.rate(at: 20))
    }
}
