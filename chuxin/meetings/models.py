"""Special democratic and organizational life meetings: preparation, holding, follow-up."""
