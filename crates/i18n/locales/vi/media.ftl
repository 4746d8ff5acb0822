# Images and PDF files uploaded to the portal (crates/media): why an upload is refused.

media-empty = Tệp “{ $name }” rỗng, không có nội dung. Hãy chọn lại tệp.
media-unsupported = Tệp “{ $name }” không phải ảnh JPEG, PNG, WebP hay tệp PDF. Hãy lưu ảnh dưới một trong các định dạng này rồi tải lên lại.
media-mismatch = Tệp “{ $name }” mang tên đuôi { $claimed } nhưng nội dung là { $found }. Hãy đổi tên đuôi cho đúng hoặc xuất lại tệp.
media-too-large = Tệp “{ $name }” nặng { $size } MB, quá giới hạn { $max } MB. Hãy thu nhỏ ảnh hoặc nén tệp PDF rồi tải lên lại.
media-too-many-pixels = Ảnh “{ $name }” quá lớn (kích thước { $width }×{ $height } điểm ảnh); ảnh được nhận tối đa { $megapixels } triệu điểm ảnh và { $side } điểm ảnh mỗi chiều. Hãy thu nhỏ ảnh rồi tải lên lại.
media-undecodable = Không đọc được ảnh “{ $name }”: tệp bị hỏng hoặc chưa tải lên hết. Hãy mở thử ảnh trên máy, lưu lại rồi tải lên lần nữa.
media-broken-pdf = Tệp “{ $name }” không phải tệp PDF hoàn chỉnh (có thể bị cắt khi tải). Hãy xuất lại tệp PDF rồi tải lên lại.
