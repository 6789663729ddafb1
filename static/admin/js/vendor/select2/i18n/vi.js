/*
 * Vietnamese messages for the select2 widget of the Django admin (autocomplete_fields).
 *
 * Replaces the copy bundled with Django (admin/js/vendor/select2/i18n/vi.js), which has no
 * `errorLoading` message, so a failed search showed "The results could not be loaded." in English.
 * The project's static folder comes before the apps' in STATICFILES_DIRS, so this file wins.
 * It defines every message select2 4.0.13 asks a language for, and the two that select2 4.1 adds.
 */
(function () {
    "use strict";
    if (!(window.jQuery && jQuery.fn && jQuery.fn.select2 && jQuery.fn.select2.amd)) {
        return;
    }
    jQuery.fn.select2.amd.define("select2/i18n/vi", [], function () {
        return {
            errorLoading: function () {
                return "Không tải được kết quả. Vui lòng thử lại.";
            },
            inputTooLong: function (args) {
                return "Vui lòng xóa bớt " + (args.input.length - args.maximum) + " ký tự";
            },
            inputTooShort: function (args) {
                return "Vui lòng nhập thêm ít nhất " + (args.minimum - args.input.length) + " ký tự";
            },
            loadingMore: function () {
                return "Đang tải thêm kết quả…";
            },
            maximumSelected: function (args) {
                return "Chỉ được chọn tối đa " + args.maximum + " mục";
            },
            noResults: function () {
                return "Không tìm thấy kết quả";
            },
            searching: function () {
                return "Đang tìm…";
            },
            removeAllItems: function () {
                return "Bỏ chọn tất cả";
            },
            removeItem: function () {
                return "Bỏ mục này";
            },
            search: function () {
                return "Tìm kiếm";
            }
        };
    });
})();
