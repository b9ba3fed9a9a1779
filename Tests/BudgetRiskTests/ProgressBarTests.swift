import Dispatch
import Testing

@_spi(HotPath) @testable import BudgetRiskNumerics
@testable import BudgetRiskModel
@testable import BudgetRiskEngine
@testable import BudgetRiskStudies
@testable import BudgetRiskReports

/// The progress bar: on only for a terminal and not `--quiet`, quiet for the first second,
/// at most ten redraws a second, safe from many threads, erased at the end.
@Suite struct ProgressBarTests {
  func bar(enabled: Bool, total: Int = 10_000) -> (ProgressBar, WrittenText, ManualClock) {
    let text = WrittenText(), clock = ManualClock()
    let bar = ProgressBar(total: total, isEnabled: enabled, write: { text.append($0) }, now: { clock.now })
    return (bar, text, clock)
  }

  @Test func isOffWhenStandardErrorIsNotATerminal() {
    #expect(ProgressBar.shouldShow(quiet: false, isTerminal: false) == false)
    let (bar, text, clock) = bar(enabled: ProgressBar.shouldShow(quiet: false, isTerminal: false))
    for _ in 0..<100 { clock.advance(by: 0.5); bar.advance(by: 64) }
    bar.finish()
    #expect(text.all.isEmpty)
  }

  @Test func isOffWithQuietEvenOnATerminal() {
    #expect(ProgressBar.shouldShow(quiet: true, isTerminal: true) == false)
    #expect(ProgressBar.shouldShow(quiet: false, isTerminal: true) == true)
  }

  @Test func staysQuietForTheFirstSecondThenDrawsAtMostTenTimesASecond() {
    let (bar, text, clock) = bar(enabled: true)
    for _ in 0..<9 { clock.advance(by: 0.1); bar.advance(by: 64) }  // 0.9 s: nothing yet
    #expect(text.all.isEmpty)
    for _ in 0..<100 { clock.advance(by: 0.01); bar.advance(by: 10) }  // 1 s more, 100 calls
    #expect((9...11).contains(text.all.count))
    #expect(text.all.allSatisfy { $0.hasPrefix("\r[") && $0.hasSuffix("\u{1B}[K") })
    bar.finish()
    #expect(text.all.last == "\r\u{1B}[K")
  }

  @Test func finishWritesNothingWhenNothingWasDrawn() {
    let (bar, text, clock) = bar(enabled: true)
    clock.advance(by: 0.5)
    bar.advance(by: 64)
    bar.finish()
    #expect(text.all.isEmpty)
  }

  @Test func lineShowsIterationsRateElapsedAndTimeLeft() {
    let line = ProgressBar.line(done: 5_000, total: 20_000, elapsed: 2.5)
    #expect(line == "[======>                 ]  25%  5,000/20,000 it  2,000 it/s  0:02 elapsed  0:08 left")
    #expect(ProgressBar.line(done: 20_000, total: 20_000, elapsed: 10).hasPrefix("[========================] 100%"))
    #expect(line.count < 100)
  }

  @Test func countsEveryIterationFromManyThreads() {
    let (bar, text, clock) = bar(enabled: true, total: 64_000)
    clock.advance(by: 2)
    DispatchQueue.concurrentPerform(iterations: 1_000) { _ in bar.advance(by: 64) }
    clock.advance(by: 1)
    bar.advance(by: 0)
    #expect(text.all.last?.contains("64,000/64,000 it") == true)
  }
}

/// `margin` makes several passes: each restarts the bar with its label.
@Suite struct ProgressBarPassTests {
  @Test func eachPassRestartsTheBarWithItsLabel() {
    let text = WrittenText(), clock = ManualClock()
    let bar = ProgressBar(total: 1_000, isEnabled: true, write: { text.append($0) }, now: { clock.now })
    bar.beginPass("ration, pass 1", iterations: 2_000)
    clock.advance(by: 1.5)
    bar.advance(by: 1_000)
    #expect(text.all.last?.hasPrefix("\rration, pass 1 [") == true)
    #expect(text.all.last?.contains("1,000/2,000 it") == true)
    bar.beginPass("ration, pass 2", iterations: 2_000)
    clock.advance(by: 0.5)
    bar.advance(by: 500)
    #expect(text.all.last?.hasPrefix("\rration, pass 2 [") == true)
    #expect(text.all.last?.contains("500/2,000 it") == true)
  }
}
