"""CSAT Explorer: `streamlit run app.py` (or `make run`)."""

from dashboard.shell import run_app

run_app()
