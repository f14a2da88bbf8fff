"""Materials and recordings: handouts (PDF, PPTX, DOCX, XLSX, recognised by their bytes) and links per materi
or session, public or for participants only, with a download count."""
