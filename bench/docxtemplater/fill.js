// fill.js -- the docxtemplater side of bench/batch.sh: renders one letter per line of CASES.jsonl from TEMPLATE and
// writes each as OUTDIR/<n>.docx, in one process, the way docxtemplater's users do it (its README): the template's
// bytes are read once; per letter a PizZip over them, a Docxtemplater with paragraphLoop and linebreaks, render,
// generate with DEFLATE, write the file.
//
//   node fill.js TEMPLATE.docx CASES.jsonl OUTDIR
"use strict";
const fs = require("fs");
const path = require("path");
const PizZip = require("pizzip");
const Docxtemplater = require("docxtemplater");

const [template, casesPath, outDir] = process.argv.slice(2);
if (!template || !casesPath || !outDir) {
  console.error("usage: node fill.js TEMPLATE.docx CASES.jsonl OUTDIR");
  process.exit(2);
}
const content = fs.readFileSync(template, "binary");
const lines = fs.readFileSync(casesPath, "utf8").split("\n").filter((l) => l.trim() !== "");
let n = 0;
for (const line of lines) {
  const zip = new PizZip(content);
  const doc = new Docxtemplater(zip, { paragraphLoop: true, linebreaks: true });
  doc.render(JSON.parse(line));
  const buf = doc.getZip().generate({ type: "nodebuffer", compression: "DEFLATE" });
  n++;
  fs.writeFileSync(path.join(outDir, n + ".docx"), buf);
}
console.log(n + " letters");
