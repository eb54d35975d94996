"""Studio production over REST (issue 11): projects, breakdown, tasks, reviews, files, dashboard."""
