"""Launch the PledgeBot app: `python app.py` (what `make run` does)."""

from pledgebot.ui import launch

if __name__ == "__main__":
    launch()
