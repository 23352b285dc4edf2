#!/usr/bin/env node
// The section-sync ops CLI: migrate, check, repair, normalize, sync (`section-sync --help`).
import '../dist/main.js';
