#!/usr/bin/env node
// `stairs-admin`: creates projects and apps.
import { launch } from './launch.js'

await launch('stairs-admin')
