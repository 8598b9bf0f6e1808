"""The work done for every platform: syncing the cache, the weekly reports and their chart, the scheduled
jobs, and the shared rate limits."""
