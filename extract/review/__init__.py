"""`extract review results.sqlite`: a local web app where a person confirms or corrects the
doubtful cells of a batch, with an audit trail (corrections with who and when), the report
validated again after each change. Needs the optional `review` extra (Starlette, uvicorn)."""
