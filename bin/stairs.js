#!/usr/bin/env node
// `stairs`: the project CLI.
import { launch } from './launch.js'

await launch('stairs')
