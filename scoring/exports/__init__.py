"""The layouts of the official workbooks (ranking, scorecard, self-assessment report, offline self-assessment
form), each written with the shared writer scoring.workbooks from what a selector returns."""
