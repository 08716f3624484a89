"""The public portal: pact status for journalists and citizens, without an account."""
