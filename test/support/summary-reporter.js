/**
 * Ends a jest run with one plain line, "<label>: N passed, N failed, N skipped", that CI
 * tooling reads as the run's verdict.
 */
class SummaryReporter {
  constructor(_globalConfig, options = {}) {
    this.label = options.label || 'tests';
  }

  onRunComplete(_contexts, results) {
    process.stdout.write(
      `${this.label}: ${results.numPassedTests} passed, ${results.numFailedTests} failed, ${results.numPendingTests} skipped\n`,
    );
  }
}

module.exports = SummaryReporter;
