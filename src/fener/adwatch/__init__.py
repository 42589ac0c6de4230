"""Ad monitoring: sources, ingestion, the review queue, decisions and referrals, operations,
the learning risk model, and the public "check a job offer" page (recommendation 7)."""
