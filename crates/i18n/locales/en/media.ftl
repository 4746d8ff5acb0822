# Images and PDF files uploaded to the portal (crates/media): why an upload is refused.

media-empty = The file “{ $name }” is empty. Choose the file again.
media-unsupported = The file “{ $name }” is not a JPEG, PNG or WebP picture or a PDF file. Save it in one of these formats and upload it again.
media-mismatch = The file “{ $name }” is named as { $claimed } but its content is { $found }. Correct its extension or export it again.
media-too-large = The file “{ $name }” is { $size } MB, more than the { $max } MB allowed. Make the picture smaller or compress the PDF and upload it again.
media-too-many-pixels = The picture “{ $name }” is too large ({ $width }×{ $height } pixels); at most { $megapixels } million pixels and { $side } pixels on a side are taken. Make it smaller and upload it again.
media-undecodable = The picture “{ $name }” cannot be read: the file is damaged or incomplete ({ $reason }).
media-broken-pdf = The file “{ $name }” is not a whole PDF file (it may have been cut short). Export the PDF again and upload it.
