"""Jobs: stage calls with states, progress and cancel; one GPU worker, a small CPU pool."""

from studio.jobs.queue import Job, JobQueue, JobState

__all__ = ["Job", "JobQueue", "JobState"]
