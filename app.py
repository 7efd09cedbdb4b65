"""Launch the PledgeBot app: `python app.py` (what `make run` does)."""

from pledgebot.app.serve import launch

if __name__ == "__main__":
    launch()
