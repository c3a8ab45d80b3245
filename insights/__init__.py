"""The analysis side: segments, the codebook and themes, coding and review, agreement, theme
reports, the service map, seven-question benchmarking, options appraisal and the equity audit."""
